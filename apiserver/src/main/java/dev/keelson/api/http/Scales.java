package dev.keelson.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;

/** The scale subresource: an autoscaling/v1 Scale view of a workload's replica fields. */
final class Scales {
  private Scales() {}

  static ObjectNode toScale(ObjectMapper json, ResourceType t, ObjectNode obj) {
    ResourceType.Scale s = t.scale();
    ObjectNode scale = json.createObjectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    JsonNode m = obj.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (m.has(f)) {
        meta.set(f, m.get(f));
      }
    }
    scale.putObject("spec").put("replicas", at(obj, s.specReplicasPath()).asLong(0));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", at(obj, s.statusReplicasPath()).asLong(0));
    JsonNode sel = at(obj, s.labelSelectorPath());
    if (sel.isObject()) {
      List<String> terms = new ArrayList<>();
      sel.path("matchLabels").fields().forEachRemaining(e ->
          terms.add(e.getKey() + "=" + e.getValue().asText()));
      status.put("selector", String.join(",", terms));
    } else if (sel.isTextual()) {
      status.put("selector", sel.asText());
    }
    return scale;
  }

  /** Sets the object's desired replicas from a Scale (its resourceVersion, if any, checked). */
  static ObjectNode apply(ResourceType t, ObjectNode obj, ObjectNode scale) {
    JsonNode replicas = scale.path("spec").path("replicas");
    if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
      throw ApiException.invalid(t, "Scale", obj.path("metadata").path("name").asText(),
          List.of(new ApiException.Cause("FieldValueInvalid", "Invalid value: "
              + replicas + ": must be greater than or equal to 0", "spec.replicas")));
    }
    String rv = scale.path("metadata").path("resourceVersion").asText("");
    if (!rv.isEmpty()) {
      obj.withObjectProperty("metadata").put("resourceVersion", rv);
    }
    String[] path = t.scale().specReplicasPath().substring(1).split("\\.");
    ObjectNode at = obj;
    for (int i = 0; i < path.length - 1; i++) {
      at = at.withObjectProperty(path[i]);
    }
    at.put(path[path.length - 1], replicas.asInt());
    return obj;
  }

  private static JsonNode at(JsonNode obj, String dotted) {
    if (dotted == null || dotted.length() < 2) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance(); // no such path
    }
    JsonNode n = obj;
    for (String p : dotted.substring(1).split("\\.")) {
      n = n.path(p);
    }
    return n;
  }
}
