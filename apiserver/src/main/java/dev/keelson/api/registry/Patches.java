package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The three classic patch types: JSON Patch (RFC 6902, by zjsonpatch), JSON merge patch
 * (RFC 7386) and Kubernetes' strategic merge patch for built-in types: lists of containers,
 * ports, env, volumes and the like merge element by element on their merge key instead of being
 * replaced, with the {@code $patch}, {@code $retainKeys}, {@code $deleteFromPrimitiveList} and
 * {@code $setElementOrder} directives.
 */
public final class Patches {
  /**
   * Merge key of the object lists that strategic merge patches element by element ("" for a list
   * that is replaced whole); server-side apply identifies list items by the same keys.
   */
  public static final Map<String, String> MERGE_KEYS = Map.ofEntries(
      Map.entry("containers", "name"), Map.entry("initContainers", "name"),
      Map.entry("ephemeralContainers", "name"), Map.entry("env", "name"),
      Map.entry("volumes", "name"), Map.entry("volumeMounts", "mountPath"),
      Map.entry("volumeDevices", "devicePath"), Map.entry("imagePullSecrets", "name"),
      Map.entry("hostAliases", "ip"), Map.entry("conditions", "type"),
      Map.entry("ownerReferences", "uid"), Map.entry("resourceClaims", "name"),
      Map.entry("topologySpreadConstraints", "topologyKey"), Map.entry("taints", "key"),
      Map.entry("addresses", "type"), Map.entry("envFrom", ""));
  /** Lists of scalars that strategic merge unions instead of replacing (sets, to apply). */
  public static final Set<String> MERGED_SCALAR_LISTS = Set.of("finalizers");

  private Patches() {}

  public static ObjectNode jsonPatch(ObjectNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw ApiException.badRequest("json: cannot unmarshal object into Go value of type "
          + "jsonpatch.Patch");
    }
    try {
      JsonNode out = JsonPatch.apply(patch, target);
      if (!out.isObject()) {
        throw ApiException.badRequest("the patch did not produce an object");
      }
      return (ObjectNode) out;
    } catch (JsonPatchApplicationException | IllegalArgumentException e) {
      throw new ApiException(422, "Invalid", "the server rejected our request due to an error "
          + "in our request: " + e.getMessage(), null, null, null, List.of(), 0);
    }
  }

  public static ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
    if (!patch.isObject()) {
      throw ApiException.badRequest("a merge patch must be a JSON object");
    }
    return (ObjectNode) merge(target, patch);
  }

  private static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  public static ObjectNode strategicMerge(ObjectNode target, JsonNode patch) {
    if (!patch.isObject()) {
      throw ApiException.badRequest("a strategic merge patch must be a JSON object");
    }
    JsonNode out = strategic(target.deepCopy(), (ObjectNode) patch, null);
    return out == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) out;
  }

  /** Merges {@code patch} into {@code target} (owned, modified); null when deleted whole. */
  private static JsonNode strategic(ObjectNode target, ObjectNode patch, String parentField) {
    String directive = patch.path("$patch").asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      ObjectNode copy = patch.deepCopy();
      copy.remove("$patch");
      return copy;
    }
    JsonNode retain = patch.get("$retainKeys");
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      var e = it.next();
      String field = e.getKey();
      JsonNode value = e.getValue();
      if (field.startsWith("$setElementOrder/") || field.equals("$retainKeys")
          || field.equals("$patch")) {
        continue;
      }
      if (field.startsWith("$deleteFromPrimitiveList/")) {
        String list = field.substring("$deleteFromPrimitiveList/".length());
        JsonNode have = target.get(list);
        if (have != null && have.isArray() && value.isArray()) {
          Set<JsonNode> drop = new HashSet<>();
          value.forEach(drop::add);
          ArrayNode kept = JsonNodeFactory.instance.arrayNode();
          have.forEach(v -> {
            if (!drop.contains(v)) {
              kept.add(v);
            }
          });
          target.set(list, kept);
        }
        continue;
      }
      if (value.isNull()) {
        target.remove(field);
      } else if (value.isObject()) {
        JsonNode have = target.get(field);
        JsonNode merged = strategic(have != null && have.isObject() ? (ObjectNode) have
            : JsonNodeFactory.instance.objectNode(), (ObjectNode) value, field);
        if (merged == null) {
          target.remove(field);
        } else {
          target.set(field, merged);
        }
      } else if (value.isArray()) {
        target.set(field, mergeList(target.get(field), (ArrayNode) value, field, parentField));
      } else {
        target.set(field, value);
      }
    }
    if (retain != null && retain.isArray()) {
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      List<String> names = new ArrayList<>();
      target.fieldNames().forEachRemaining(names::add);
      names.stream().filter(n -> !keep.contains(n)).forEach(target::remove);
    }
    return target;
  }

  private static String mergeKey(String field, String parentField) {
    if (field.equals("ports")) {
      return parentField == null ? "port" : "containerPort";
    }
    String k = MERGE_KEYS.get(field);
    return k == null || k.isEmpty() ? null : k;
  }

  private static JsonNode mergeList(JsonNode have, ArrayNode patch, String field,
      String parentField) {
    if (MERGED_SCALAR_LISTS.contains(field)) {
      ArrayNode out = have != null && have.isArray() ? ((ArrayNode) have).deepCopy()
          : JsonNodeFactory.instance.arrayNode();
      Set<JsonNode> present = new HashSet<>();
      out.forEach(present::add);
      patch.forEach(v -> {
        if (present.add(v)) {
          out.add(v);
        }
      });
      return out;
    }
    // container ports live in objects whose parent is a container list; service ports in spec
    String key = mergeKey(field, isContainerList(parentField) ? parentField : null);
    if (key == null || have == null || !have.isArray()) {
      return stripDirectives(patch);
    }
    for (JsonNode p : patch) {
      if (p.isObject() && p.path("$patch").asText("").equals("replace")) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        patch.forEach(q -> {
          if (!q.path("$patch").asText("").equals("replace")) {
            out.add(q);
          }
        });
        return out;
      }
    }
    ArrayNode out = ((ArrayNode) have).deepCopy();
    for (JsonNode p : patch) {
      if (!p.isObject()) {
        out.add(p);
        continue;
      }
      JsonNode id = p.get(key);
      int at = -1;
      for (int i = 0; id != null && i < out.size(); i++) {
        if (id.equals(out.get(i).get(key))) {
          at = i;
          break;
        }
      }
      if (p.path("$patch").asText("").equals("delete")) {
        if (at >= 0) {
          out.remove(at);
        }
      } else if (at >= 0) {
        JsonNode merged = strategic((ObjectNode) out.get(at), (ObjectNode) p, field);
        out.set(at, merged);
      } else {
        JsonNode added = strategic(JsonNodeFactory.instance.objectNode(), (ObjectNode) p, field);
        if (added != null) {
          out.add(added);
        }
      }
    }
    return out;
  }

  private static boolean isContainerList(String field) {
    return "containers".equals(field) || "initContainers".equals(field)
        || "ephemeralContainers".equals(field);
  }

  private static ArrayNode stripDirectives(ArrayNode list) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode v : list) {
      if (v.isObject() && v.has("$patch")) {
        ObjectNode c = ((ObjectNode) v).deepCopy();
        c.remove("$patch");
        out.add(c);
      } else {
        out.add(v);
      }
    }
    return out;
  }
}
