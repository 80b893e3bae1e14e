package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' pruning of custom objects: every field the structural schema does not specify is
 * dropped, except under {@code x-kubernetes-preserve-unknown-fields: true} (or
 * {@code additionalProperties: true}), where unknown fields stay and known ones are still pruned
 * by their own schema. {@code apiVersion}, {@code kind} and {@code metadata} of the object
 * itself and of every {@code x-kubernetes-embedded-resource} are always kept, untouched.
 * Value validations ({@code allOf}, {@code anyOf}, ...) play no part, as in Kubernetes.
 */
public final class Pruner {
  /** The fields every resource has whatever its schema says. */
  static final Set<String> RESOURCE_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private Pruner() {}

  /**
   * Prunes a whole object in place; returns the paths of the fields it dropped
   * ({@code spec.foo}, {@code spec.items[0].bar}) in document order.
   */
  public static List<String> prune(ObjectNode obj, StructuralSchema root) {
    List<String> dropped = new ArrayList<>();
    walk(obj, root, "", true, dropped);
    return dropped;
  }

  private static void walk(JsonNode v, StructuralSchema s, String path, boolean resource,
      List<String> dropped) {
    if (v instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (resource && RESOURCE_FIELDS.contains(key)) {
          continue;
        }
        String child = FieldErrors.child(path, key);
        StructuralSchema p = s.properties().get(key);
        if (p == null) {
          p = s.additionalProperties();
        }
        if (p != null) {
          walk(e.getValue(), p, child, p.embeddedResource(), dropped);
        } else if (!s.preserveUnknownFields() && !s.additionalPropertiesAllowed()) {
          it.remove();
          dropped.add(child);
        }
      }
    } else if (v instanceof ArrayNode a && s.items() != null) {
      for (int i = 0; i < a.size(); i++) {
        walk(a.get(i), s.items(), path + "[" + i + "]", s.items().embeddedResource(), dropped);
      }
    }
  }
}
