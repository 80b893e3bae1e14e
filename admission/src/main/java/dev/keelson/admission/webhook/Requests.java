package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.admission.AdmissionRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/** What webhook matching needs to know about a request and its objects. */
final class Requests {
  private Requests() {}

  /** A request on a Namespace object (or one of its subresources). */
  static boolean isNamespace(AdmissionRequest r) {
    return r.group().isEmpty() && r.resource().equals("namespaces");
  }

  /**
   * Requests on the admission configuration objects themselves, which no webhook sees (as
   * Kubernetes: a webhook must not be able to stop its own removal).
   */
  static boolean isExempt(AdmissionRequest r) {
    return r.group().equals("admissionregistration.k8s.io")
        && switch (r.resource()) {
          case "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
              "validatingadmissionpolicies", "validatingadmissionpolicybindings",
              "mutatingadmissionpolicies", "mutatingadmissionpolicybindings" -> true;
          default -> false;
        };
  }

  /** {@code metadata.labels} of an object; empty for null or an object without labels. */
  static Map<String, String> labels(JsonNode object) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (object == null) {
      return labels;
    }
    JsonNode node = object.path("metadata").path("labels");
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      labels.put(e.getKey(), e.getValue().asText());
    }
    return labels;
  }
}
