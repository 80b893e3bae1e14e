package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The fields an applied configuration sets, which its applier owns after the apply
 * (structured-merge-diff's {@code ToFieldSet}): every scalar, every atomic list or object as a
 * whole, and every item of an associative or set list together with the fields it sets. Objects
 * are not members themselves, so {@code data: {}} owns nothing.
 */
final class AppliedFields {
  private AppliedFields() {}

  static FieldSet of(JsonNode config, Schema schema) {
    FieldSet.Builder b = FieldSet.builder();
    object(config, FieldPath.ROOT, List.of(), schema, b);
    return b.build();
  }

  private static void object(JsonNode o, FieldPath at, List<String> names, Schema schema,
      FieldSet.Builder b) {
    o.fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        value(e.getValue(), at.child(new PathElement.Field(e.getKey())),
            Schema.plus(names, e.getKey()), schema, b);
      }
    });
  }

  private static void value(JsonNode v, FieldPath at, List<String> names, Schema schema,
      FieldSet.Builder b) {
    if (v.isObject()) {
      if (schema.atomicObject(names)) {
        b.add(at);
      } else {
        object(v, at, names, schema, b);
      }
      return;
    }
    if (v.isArray()) {
      Schema.ListShape shape = schema.listShape(names, v);
      if (shape.kind() == Schema.ListKind.ATOMIC) {
        b.add(at);
        return;
      }
      for (JsonNode item : v) {
        FieldPath itemPath = at.child(schema.item(shape, item));
        b.add(itemPath);
        if (item.isObject()) {
          object(item, itemPath, names, schema, b);
        }
      }
      return;
    }
    b.add(at);
  }
}
