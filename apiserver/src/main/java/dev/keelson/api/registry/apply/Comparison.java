package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two versions of an object, as three sets of paths (structured-merge-
 * diff's {@code Compare}): fields and list items that appeared, scalars and atomic values that
 * changed, and fields and items that went away. A path is in at most one of the three.
 *
 * <p>A new or removed subtree is listed node by node (the object itself and everything in it),
 * except for struct fields every object has anyway ({@link Schema#alwaysPresent}).
 */
record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {

  static Comparison of(JsonNode old, JsonNode next, Schema schema) {
    Walk w = new Walk(schema);
    w.compare(old, next, FieldPath.ROOT, List.of(), false);
    return new Comparison(w.added.build(), w.modified.build(), w.removed.build());
  }

  boolean isSame() {
    return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
  }

  /** Modified and added paths: what a writer changed and so takes from other owners. */
  FieldSet changed() {
    return modified.union(added);
  }

  /** This comparison without the paths in {@code ignored} and below them. */
  Comparison excluding(FieldSet ignored) {
    return new Comparison(added.recursiveDifference(ignored),
        modified.recursiveDifference(ignored), removed.recursiveDifference(ignored));
  }

  private static final class Walk {
    final Schema schema;
    final FieldSet.Builder added = FieldSet.builder();
    final FieldSet.Builder modified = FieldSet.builder();
    final FieldSet.Builder removed = FieldSet.builder();

    Walk(Schema schema) {
      this.schema = schema;
    }

    /** {@code item}: the node is a list item, which always counts as a node of its own. */
    void compare(JsonNode l, JsonNode r, FieldPath at, List<String> names, boolean item) {
      boolean lMissing = l == null || l.isNull();
      boolean rMissing = r == null || r.isNull();
      if (lMissing && rMissing) {
        return;
      }
      if (lMissing) {
        subtree(r, at, names, item, added);
      } else if (rMissing) {
        subtree(l, at, names, item, removed);
      } else if (l.isObject() && r.isObject() && !schema.atomicObject(names)) {
        Set<String> keys = new LinkedHashSet<>(Json.names(l));
        keys.addAll(Json.names(r));
        for (String k : keys) {
          compare(l.get(k), r.get(k), at.child(new PathElement.Field(k)),
              Schema.plus(names, k), false);
        }
      } else if (l.isArray() && r.isArray()
          && schema.listShape(names, l, r).kind() != Schema.ListKind.ATOMIC) {
        Schema.ListShape shape = schema.listShape(names, l, r);
        Map<PathElement, JsonNode[]> items = new LinkedHashMap<>();
        l.forEach(i -> items.computeIfAbsent(schema.item(shape, i), k -> new JsonNode[2])[0] = i);
        r.forEach(i -> items.computeIfAbsent(schema.item(shape, i), k -> new JsonNode[2])[1] = i);
        items.forEach((e, pair) -> compare(pair[0], pair[1], at.child(e), names, true));
      } else if (l.isContainerNode() || r.isContainerNode()) {
        if (!Json.same(l, r)) {
          // a whole value replaced (atomic, or a change of kind): the node is modified, and
          // whatever was owned inside the old value is gone
          modified.add(at);
          below(l, at, names, removed);
          below(r, at, names, added);
        }
      } else if (!Json.same(l, r)) {
        modified.add(at);
      }
    }

    /** {@code v} and everything in it, into {@code into}. */
    private void subtree(JsonNode v, FieldPath at, List<String> names, boolean item,
        FieldSet.Builder into) {
      boolean skipSelf = !item && v.isObject() && schema.alwaysPresent(names)
          && !(v.isEmpty() || schema.atomicObject(names));
      if (!at.isRoot() && !skipSelf) {
        into.add(at);
      }
      below(v, at, names, into);
    }

    /** Everything inside {@code v} (not {@code v} itself), into {@code into}. */
    private void below(JsonNode v, FieldPath at, List<String> names, FieldSet.Builder into) {
      if (v.isObject() && !schema.atomicObject(names)) {
        v.fields().forEachRemaining(e -> {
          if (!e.getValue().isNull()) {
            subtree(e.getValue(), at.child(new PathElement.Field(e.getKey())),
                Schema.plus(names, e.getKey()), false, into);
          }
        });
      } else if (v.isArray()) {
        Schema.ListShape shape = schema.listShape(names, v);
        if (shape.kind() != Schema.ListKind.ATOMIC) {
          v.forEach(i -> subtree(i, at.child(schema.item(shape, i)), names, true, into));
        }
      }
    }
  }
}
