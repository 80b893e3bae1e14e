package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Kubernetes' {@code FieldsV1} encoding of a {@link FieldSet}: a JSON object per trie node, one
 * member per child keyed by {@link PathElement#encode()}, an empty object for a leaf, and a
 * {@code ".": {}} member when a node with children is itself in the set:
 *
 * <pre>
 *   {"f:spec": {"f:replicas": {},
 *               "f:template": {"f:spec": {"f:containers": {
 *                   "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}
 * </pre>
 */
final class FieldsV1 {
  private FieldsV1() {}

  public static ObjectNode encode(FieldSet s) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (s.isMember() && !s.children().isEmpty()) {
      out.putObject(".");
    }
    s.children().forEach((e, c) -> out.set(e.encode(), encode(c)));
    return out;
  }

  /** Reads a set; IllegalArgumentException when {@code n} is not a valid encoding. */
  public static FieldSet decode(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("fieldsV1 must be an object");
    }
    FieldSet.Builder b = FieldSet.builder();
    decode(n, FieldPath.ROOT, b);
    return b.build();
  }

  private static void decode(JsonNode n, FieldPath at, FieldSet.Builder b) {
    if (!n.isObject()) {
      throw new IllegalArgumentException("fieldsV1 at " + at + " must be an object");
    }
    if (n.isEmpty() && !at.isRoot()) {
      b.add(at);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equals(".")) {
        if (!at.isRoot()) {
          b.add(at);
        }
        continue;
      }
      decode(e.getValue(), at.child(element(e.getKey())), b);
    }
  }

  /** Reads one {@code fieldsV1} key; IllegalArgumentException if it has none of the forms. */
  static PathElement element(String s) {
    if (s.startsWith("f:")) {
      return new PathElement.Field(s.substring(2));
    }
    if (s.startsWith("k:")) {
      JsonNode n = Json.parse(s.substring(2));
      if (!n.isObject() || n.isEmpty()) {
        throw new IllegalArgumentException("not a key: " + s);
      }
      SortedMap<String, String> fields = new TreeMap<>();
      n.fields().forEachRemaining(f -> fields.put(f.getKey(), Json.canonical(f.getValue())));
      return new PathElement.Key(fields);
    }
    if (s.startsWith("v:")) {
      return new PathElement.Value(Json.canonical(Json.parse(s.substring(2))));
    }
    throw new IllegalArgumentException("unknown path element: " + s);
  }
}
