package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** JSON value helpers: canonical scalar text and equality that ignores how numbers were read. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /**
   * The canonical JSON text of a scalar: numbers by value (80, 80L and 80.0 are "80"), strings
   * quoted; IllegalArgumentException for objects and arrays.
   */
  static String canonical(JsonNode v) {
    if (v.isContainerNode()) {
      throw new IllegalArgumentException("not a scalar: " + v);
    }
    if (v.isNumber()) {
      if (v.isIntegralNumber()) {
        return v.bigIntegerValue().toString();
      }
      BigDecimal d = v.decimalValue();
      if (d.signum() == 0) {
        return "0";
      }
      BigDecimal s = d.stripTrailingZeros();
      return s.scale() <= 0 ? s.toBigInteger().toString() : s.toPlainString();
    }
    return v.toString();
  }

  /** Deep equality with numbers compared by value. */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals((x, y) -> {
      if (x.isNumber() && y.isNumber()) {
        return canonical(x).equals(canonical(y)) ? 0 : 1;
      }
      return x.equals(y) ? 0 : 1;
    }, b);
  }

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  /** A copy of {@code v} without the null members of its objects (at any depth). */
  static JsonNode withoutNulls(JsonNode v) {
    if (v.isObject()) {
      ObjectNode out = MAPPER.createObjectNode();
      v.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          out.set(e.getKey(), withoutNulls(e.getValue()));
        }
      });
      return out;
    }
    if (v.isArray()) {
      ArrayNode out = MAPPER.createArrayNode();
      v.forEach(item -> out.add(withoutNulls(item)));
      return out;
    }
    return v;
  }

  /** The member names of an object, in order. */
  static List<String> names(JsonNode o) {
    List<String> out = new ArrayList<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
