package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keeps client-side apply's {@code kubectl.kubernetes.io/last-applied-configuration} annotation
 * in step with server-side applies by kubectl (Kubernetes' lastAppliedUpdater): when an object
 * that has the annotation is applied by the manager {@code kubectl}, the annotation becomes the
 * applied configuration, so a later client-side apply diffs against what was really applied.
 * Any other manager leaves it alone; so does an object without it.
 */
final class LastApplied {
  static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
  private static final String KUBECTL = "kubectl";
  /** Kubernetes' limit on all annotations together; a larger value drops the annotation. */
  private static final int MAX_BYTES = 256 * 1024;

  private LastApplied() {}

  static void sync(ObjectNode merged, JsonNode config, String manager) {
    JsonNode annotations = merged.path("metadata").path("annotations");
    if (!KUBECTL.equals(manager) || !annotations.has(ANNOTATION)) {
      return;
    }
    ObjectNode applied = (ObjectNode) Json.withoutNulls(config);
    JsonNode appliedAnnotations = applied.path("metadata").path("annotations");
    if (appliedAnnotations instanceof ObjectNode a) {
      a.remove(ANNOTATION);
      if (a.isEmpty()) {
        ((ObjectNode) applied.get("metadata")).remove("annotations");
      }
    }
    ObjectNode target = (ObjectNode) annotations;
    try {
      String value = Json.MAPPER.writeValueAsString(applied);
      if (value.length() > MAX_BYTES) {
        target.remove(ANNOTATION);
      } else {
        target.put(ANNOTATION, value);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
