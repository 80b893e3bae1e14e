package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The per-type checks of built-in kinds that users rely on (a pod needs containers, ...). */
final class TypeRules {
  private TypeRules() {}

  static void validate(ResourceType t, ObjectNode obj, List<ApiException.Cause> causes) {
    String gk = t.group() + "/" + t.kind();
    switch (gk) {
      case "/Pod" -> podSpec(obj.path("spec"), "spec", causes);
      case "apps/Deployment", "apps/ReplicaSet", "apps/StatefulSet", "apps/DaemonSet" ->
          workload(obj, causes, !t.kind().equals("DaemonSet"));
      case "batch/Job" -> podTemplate(obj.path("spec").path("template"), "spec.template",
          causes);
      case "batch/CronJob" -> {
        if (obj.path("spec").path("schedule").asText("").isEmpty()) {
          causes.add(Validation.required("spec.schedule", "Required value"));
        }
        podTemplate(obj.path("spec").path("jobTemplate").path("spec").path("template"),
            "spec.jobTemplate.spec.template", causes);
      }
      case "/Service" -> service(obj.path("spec"), causes);
      case "/ConfigMap" -> {
        configKeys(obj.path("data"), "data", causes);
        configKeys(obj.path("binaryData"), "binaryData", causes);
      }
      case "/Secret" -> {
        configKeys(obj.path("data"), "data", causes);
        configKeys(obj.path("stringData"), "stringData", causes);
      }
      default -> { }
    }
  }

  private static void podTemplate(JsonNode template, String path,
      List<ApiException.Cause> causes) {
    podSpec(template.path("spec"), path + ".spec", causes);
  }

  static void podSpec(JsonNode spec, String path, List<ApiException.Cause> causes) {
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      causes.add(Validation.required(path + ".containers", "Required value"));
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode c = containers.get(i);
      String p = path + ".containers[" + i + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        causes.add(Validation.required(p + ".name", "Required value"));
      } else if (!Validation.validLabel(name)) {
        causes.add(Validation.invalid(p + ".name", name, "a lowercase RFC 1123 label must "
            + "consist of lower case alphanumeric characters or '-', and must start and end "
            + "with an alphanumeric character"));
      } else if (!names.add(name)) {
        causes.add(new ApiException.Cause("FieldValueDuplicate",
            "Duplicate value: \"" + name + "\"", p + ".name"));
      }
      if (c.path("image").asText("").isBlank()) {
        causes.add(Validation.required(p + ".image", "Required value"));
      }
      JsonNode ports = c.path("ports");
      for (int j = 0; j < ports.size(); j++) {
        int port = ports.get(j).path("containerPort").asInt(0);
        if (port < 1 || port > 65535) {
          causes.add(Validation.invalid(p + ".ports[" + j + "].containerPort",
              String.valueOf(port), "must be between 1 and 65535, inclusive"));
        }
      }
    }
  }

  private static void workload(ObjectNode obj, List<ApiException.Cause> causes,
      boolean replicas) {
    JsonNode spec = obj.path("spec");
    if (replicas && spec.has("replicas") && spec.path("replicas").asInt(0) < 0) {
      causes.add(Validation.invalid("spec.replicas", spec.path("replicas").asText(),
          "must be greater than or equal to 0"));
    }
    JsonNode selector = spec.path("selector");
    if (selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
      causes.add(Validation.required("spec.selector", "Required value"));
    } else {
      JsonNode labels = spec.path("template").path("metadata").path("labels");
      for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
          it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          causes.add(Validation.invalid("spec.template.metadata.labels", labels.toString(),
              "`selector` does not match template `labels`"));
          break;
        }
      }
    }
    podTemplate(spec.path("template"), "spec.template", causes);
  }

  private static void service(JsonNode spec, List<ApiException.Cause> causes) {
    JsonNode ports = spec.path("ports");
    String type = spec.path("type").asText("ClusterIP");
    if ((!ports.isArray() || ports.isEmpty()) && !type.equals("ExternalName")
        && !"None".equals(spec.path("clusterIP").asText(""))) {
      causes.add(Validation.required("spec.ports", "Required value"));
    }
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get(i).path("port").asInt(0);
      if (port < 1 || port > 65535) {
        causes.add(Validation.invalid("spec.ports[" + i + "].port", String.valueOf(port),
            "must be between 1 and 65535, inclusive"));
      }
    }
    if (!List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName").contains(type)) {
      causes.add(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \""
          + type + "\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", "
          + "\"NodePort\"", "spec.type"));
    }
  }

  private static void configKeys(JsonNode data, String path, List<ApiException.Cause> causes) {
    for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!Validation.validConfigKey(k)) {
        causes.add(Validation.invalid(path + "[" + k + "]", k, "a valid config key must "
            + "consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            + "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
      }
    }
  }
}
