package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schema-aware merge of server-side apply, and the removal of fields an applier gave up.
 *
 * <p>Merging a configuration into a live object: objects merge field by field, associative lists
 * item by item on their keys (items only in the live list stay), sets are unioned, and atomic
 * lists, atomic objects and scalars are replaced by the configuration's value. Items the
 * configuration names come in its order; live-only items keep their place among them.
 */
final class Merge {
  private Merge() {}

  /** {@code config} merged into {@code live}; neither is changed. */
  static ObjectNode merge(ObjectNode live, JsonNode config, Schema schema) {
    return (ObjectNode) value(live, Json.withoutNulls(config), List.of(), schema);
  }

  private static JsonNode value(JsonNode live, JsonNode config, List<String> names,
      Schema schema) {
    if (live == null || live.isNull()) {
      return config.deepCopy();
    }
    if (live.isObject() && config.isObject() && !schema.atomicObject(names)) {
      ObjectNode out = ((ObjectNode) live).deepCopy();
      config.fields().forEachRemaining(e -> out.set(e.getKey(),
          value(live.get(e.getKey()), e.getValue(), Schema.plus(names, e.getKey()), schema)));
      return out;
    }
    if (live.isArray() && config.isArray()) {
      Schema.ListShape shape = schema.listShape(names, live, config);
      if (shape.kind() != Schema.ListKind.ATOMIC) {
        return list(live, config, shape, names, schema);
      }
    }
    return config.deepCopy();
  }

  private static ArrayNode list(JsonNode live, JsonNode config, Schema.ListShape shape,
      List<String> names, Schema schema) {
    Map<PathElement, JsonNode> liveItems = new LinkedHashMap<>();
    live.forEach(i -> liveItems.put(schema.item(shape, i), i));
    Map<PathElement, Integer> configAt = new LinkedHashMap<>();
    List<JsonNode> configItems = new ArrayList<>();
    config.forEach(i -> {
      configAt.put(schema.item(shape, i), configItems.size());
      configItems.add(i);
    });
    ArrayNode out = Json.MAPPER.createArrayNode();
    Set<PathElement> done = new HashSet<>();
    int next = 0;
    for (Map.Entry<PathElement, JsonNode> e : liveItems.entrySet()) {
      Integer at = configAt.get(e.getKey());
      if (at == null) {
        out.add(e.getValue().deepCopy());
        continue;
      }
      for (; next <= at; next++) {
        JsonNode c = configItems.get(next);
        PathElement id = schema.item(shape, c);
        if (done.add(id)) {
          out.add(value(liveItems.get(id), c, names, schema));
        }
      }
    }
    for (; next < configItems.size(); next++) {
      JsonNode c = configItems.get(next);
      PathElement id = schema.item(shape, c);
      if (done.add(id)) {
        out.add(value(liveItems.get(id), c, names, schema));
      }
    }
    return out;
  }

  /**
   * {@code obj} without the members of {@code remove} (each with everything below it). An object
   * or list that this empties goes too, as Kubernetes drops empty optional fields.
   */
  static ObjectNode remove(ObjectNode obj, FieldSet remove, Schema schema) {
    ObjectNode out = obj.deepCopy();
    removeIn(out, remove, List.of(), schema);
    return out;
  }

  private static void removeIn(JsonNode v, FieldSet remove, List<String> names, Schema schema) {
    if (v.isObject() && !schema.atomicObject(names)) {
      ObjectNode o = (ObjectNode) v;
      for (String k : Json.names(o)) {
        FieldSet below = remove.children().get(new PathElement.Field(k));
        if (below == null) {
          continue;
        }
        JsonNode child = o.get(k);
        if (below.isMember()) {
          o.remove(k);
        } else if (emptiedBy(child, below, Schema.plus(names, k), schema)) {
          o.remove(k);
        }
      }
    } else if (v.isArray()) {
      Schema.ListShape shape = schema.listShape(names, v);
      if (shape.kind() == Schema.ListKind.ATOMIC) {
        return;
      }
      ArrayNode a = (ArrayNode) v;
      for (int i = a.size() - 1; i >= 0; i--) {
        FieldSet below = remove.children().get(schema.item(shape, a.get(i)));
        if (below == null) {
          continue;
        }
        if (below.isMember()) {
          a.remove(i);
        } else {
          removeIn(a.get(i), below, names, schema);
        }
      }
    }
  }

  /** Removes {@code remove} inside {@code v}; true if that left a non-empty container empty. */
  private static boolean emptiedBy(JsonNode v, FieldSet remove, List<String> names,
      Schema schema) {
    if (!v.isContainerNode() || v.isEmpty()) {
      return false;
    }
    removeIn(v, remove, names, schema);
    return v.isEmpty();
  }
}
