package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the server fills in for built-in kinds, as kube-apiserver's defaulting does. */
final class Defaults {
  /** The namespace finalizer the namespace controller removes once the namespace is empty. */
  static final String NAMESPACE_FINALIZER = "kubernetes";

  private Defaults() {}

  static void onCreate(ResourceType t, ObjectNode obj) {
    String gk = t.group() + "/" + t.kind();
    switch (gk) {
      case "/Namespace" -> {
        obj.withObjectProperty("spec").withArrayProperty("finalizers").removeAll()
            .add(NAMESPACE_FINALIZER);
        obj.withObjectProperty("status").put("phase", "Active");
      }
      case "/Pod" -> {
        ObjectNode spec = obj.withObjectProperty("spec");
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        requestsFromLimits(spec);
        obj.withObjectProperty("status").put("phase", "Pending");
      }
      case "/Service" -> {
        ObjectNode spec = obj.withObjectProperty("spec");
        putIfAbsent(spec, "type", "ClusterIP");
        putIfAbsent(spec, "sessionAffinity", "None");
        for (JsonNode p : spec.path("ports")) {
          if (p instanceof ObjectNode port) {
            putIfAbsent(port, "protocol", "TCP");
            if (!port.has("targetPort") && port.has("port")) {
              port.set("targetPort", port.get("port"));
            }
          }
        }
      }
      case "/Secret" -> putIfAbsent(obj, "type", "Opaque");
      case "apps/Deployment", "apps/ReplicaSet", "apps/StatefulSet" -> {
        ObjectNode spec = obj.withObjectProperty("spec");
        if (!spec.has("replicas")) {
          spec.put("replicas", 1);
        }
      }
      default -> { }
    }
    if (gk.equals("/Secret")) {
      stringDataIntoData(obj);
    }
  }

  /** A container that sets a limit but no request for a resource requests its limit. */
  private static void requestsFromLimits(ObjectNode spec) {
    for (String field : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(field)) {
        JsonNode limits = c.path("resources").path("limits");
        if (!limits.isObject() || limits.isEmpty()
            || !(c.get("resources") instanceof ObjectNode r)) {
          continue;
        }
        ObjectNode requests = r.withObjectProperty("requests");
        limits.fields().forEachRemaining(e -> {
          if (!requests.has(e.getKey())) {
            requests.set(e.getKey(), e.getValue());
          }
        });
      }
    }
  }

  /** A Secret's stringData is write-only: it is merged into data, base64-encoded. */
  static void stringDataIntoData(ObjectNode obj) {
    JsonNode sd = obj.get("stringData");
    if (sd == null || !sd.isObject()) {
      return;
    }
    ObjectNode data = obj.withObjectProperty("data");
    sd.fields().forEachRemaining(e -> data.put(e.getKey(), java.util.Base64.getEncoder()
        .encodeToString(e.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    obj.remove("stringData");
  }

  static void onUpdate(ResourceType t, ObjectNode obj) {
    if (t.group().isEmpty() && t.kind().equals("Secret")) {
      stringDataIntoData(obj);
    }
  }

  static void onDelete(ResourceType t, ObjectNode obj) {
    if (t.group().isEmpty() && t.kind().equals("Namespace")) {
      obj.withObjectProperty("status").put("phase", "Terminating");
    }
  }

  /** Whether something must still happen before the object may go (finalizers of any kind). */
  static boolean finalizersPending(ResourceType t, JsonNode obj) {
    if (!obj.path("metadata").path("finalizers").isEmpty()) {
      return true;
    }
    return t.group().isEmpty() && t.kind().equals("Namespace")
        && !obj.path("spec").path("finalizers").isEmpty();
  }

  private static void putIfAbsent(ObjectNode o, String field, String value) {
    if (!o.has(field) || o.get(field).isNull()) {
      o.put(field, value);
    }
  }
}
