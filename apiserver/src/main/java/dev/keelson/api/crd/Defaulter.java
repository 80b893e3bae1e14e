package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' defaulting of custom objects, top-down: a field its schema gives a
 * {@code default} is set when absent, and what was set is defaulted in turn. A {@code null}
 * where the schema is not {@code nullable} counts as absent: it is dropped, then defaulted if
 * there is a default; a nullable null stays. Array items and map values that are such nulls
 * take their schema's default. The object's own {@code apiVersion}, {@code kind} and
 * {@code metadata} are never defaulted.
 */
public final class Defaulter {
  private Defaulter() {}

  /** Defaults a whole object in place. */
  public static void apply(ObjectNode obj, StructuralSchema root) {
    walk(obj, root, true);
  }

  private static void walk(JsonNode v, StructuralSchema s, boolean root) {
    if (v instanceof ObjectNode o) {
      for (Map.Entry<String, StructuralSchema> p : s.properties().entrySet()) {
        if (!(root && Pruner.RESOURCE_FIELDS.contains(p.getKey()))) {
          fill(o, p.getKey(), p.getValue());
        }
      }
      if (s.additionalProperties() != null) {
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
          if (!s.properties().containsKey(k)) {
            fill(o, k, s.additionalProperties());
          }
        }
      }
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        if (root && Pruner.RESOURCE_FIELDS.contains(e.getKey())) {
          continue;
        }
        StructuralSchema p = s.properties().getOrDefault(e.getKey(), s.additionalProperties());
        if (p != null) {
          walk(e.getValue(), p, false);
        }
      }
    } else if (v instanceof ArrayNode a && s.items() != null) {
      StructuralSchema items = s.items();
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isNull() && !items.nullable() && items.defaultValue() != null) {
          a.set(i, items.defaultValue().deepCopy());
        }
        walk(a.get(i), items, false);
      }
    }
  }

  /** Drops a non-nullable null under {@code key}, then sets the default if the key is absent. */
  private static void fill(ObjectNode o, String key, StructuralSchema s) {
    JsonNode current = o.get(key);
    if (current != null && current.isNull() && !s.nullable()) {
      o.remove(key);
      current = null;
    }
    if (current == null && s.defaultValue() != null) {
      o.set(key, s.defaultValue().deepCopy());
    }
  }
}
