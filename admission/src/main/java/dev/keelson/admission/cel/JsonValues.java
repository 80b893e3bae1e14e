package dev.keelson.admission.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.NullValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as CEL sees it, as Kubernetes' unstructured objects: objects become maps with string
 * keys, arrays lists, integers {@code int} (Long; integers beyond int64 become double), other
 * numbers {@code double}, and JSON null CEL's {@code null}. The copies are immutable, so one
 * conversion serves every expression of a request.
 */
final class JsonValues {
  private JsonValues() {
  }

  static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    switch (node.getNodeType()) {
      case OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          map.put(e.getKey(), toCel(e.getValue()));
        }
        return Collections.unmodifiableMap(map);
      }
      case ARRAY: {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(toCel(element));
        }
        return Collections.unmodifiableList(list);
      }
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case NUMBER:
        return node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue()
            : (Object) node.doubleValue();
      default:
        // binary and POJO nodes do not occur in objects parsed from JSON
        return node.asText();
    }
  }

  /** A CEL result as plain Java: CEL null becomes {@code null}. */
  static Object fromCel(Object value) {
    return value instanceof NullValue ? null : value;
  }
}
