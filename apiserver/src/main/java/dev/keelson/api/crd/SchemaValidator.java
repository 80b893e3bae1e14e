package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.keelson.api.registry.ApiException.Cause;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a value against a {@link StructuralSchema} as kube-apiserver checks custom objects: one
 * {@link Cause} per problem, at the path of the offending field ({@code spec.replicas},
 * {@code spec.ports[0]}), worded as the OpenAPI validator's messages turned into field errors
 * ({@code spec.replicas in body should be less than or equal to 10}).
 *
 * <p>A value of the wrong type gets only its type error. {@code x-kubernetes-validations} (CEL)
 * rules are not evaluated; list-type uniqueness is not checked.
 */
public final class SchemaValidator {
  private static final Pattern UUID = Pattern.compile(
      "(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final BigDecimal INT32_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT32_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal INT64_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal INT64_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private SchemaValidator() {}

  /** The problems of {@code value} (a whole object when {@code path} is ""); empty if none. */
  public static List<Cause> validate(JsonNode value, StructuralSchema schema, String path) {
    List<Cause> out = new ArrayList<>();
    check(value, schema, path, out);
    return out;
  }

  private static void check(JsonNode v, StructuralSchema s, String path, List<Cause> out) {
    if (v.isNull()) {
      if (!s.nullable() && (!s.type().isEmpty() || s.intOrString())) {
        out.add(typeError(path, s, "null"));
      }
      return;
    }
    if (!typeMatches(v, s)) {
      out.add(typeError(path, s, typeName(v)));
      return;
    }
    format(v, s, path, out);
    if (!s.enumValues().isEmpty() && s.enumValues().stream().noneMatch(e -> same(e, v))) {
      out.add(FieldErrors.notSupported(path, v, s.enumValues().stream()
          .map(e -> e.isTextual() ? e.asText() : FieldErrors.render(e)).toList()));
    }
    if (v.isNumber()) {
      number(v, s, path, out);
    } else if (v.isTextual()) {
      string(v.asText(), v, s, path, out);
    } else if (v.isArray()) {
      array(v, s, path, out);
    } else if (v.isObject()) {
      object(v, s, path, out);
    }
    junctors(v, s, path, out);
  }

  private static boolean typeMatches(JsonNode v, StructuralSchema s) {
    if (s.intOrString() && s.type().isEmpty()) {
      return isInteger(v) || v.isTextual();
    }
    return switch (s.type()) {
      case "" -> true;
      case "integer" -> isInteger(v);
      case "number" -> v.isNumber();
      case "string" -> v.isTextual();
      case "boolean" -> v.isBoolean();
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      default -> true; // an unknown type is refused when the definition is written
    };
  }

  /** JSON integers, and numbers like 2.0 that are integers (as the OpenAPI validator allows). */
  private static boolean isInteger(JsonNode v) {
    if (v.isIntegralNumber()) {
      return true;
    }
    if (!v.isNumber()) {
      return false;
    }
    return v.decimalValue().stripTrailingZeros().scale() <= 0;
  }

  static String typeName(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    return v.isArray() ? "array" : "object";
  }

  private static Cause typeError(String path, StructuralSchema s, String actual) {
    String want = s.type().isEmpty() && s.intOrString() ? "integer,string" : s.type();
    return FieldErrors.typeInvalid(path, actual, path + " in body must be of type " + want
        + ": " + FieldErrors.quote(actual));
  }

  private static void format(JsonNode v, StructuralSchema s, String path, List<Cause> out) {
    String f = s.format();
    if (f.isEmpty()) {
      return;
    }
    boolean ok;
    if (v.isNumber()) {
      BigDecimal d = v.decimalValue();
      ok = switch (f) {
        case "int32" -> d.compareTo(INT32_MIN) >= 0 && d.compareTo(INT32_MAX) <= 0;
        case "int64" -> d.compareTo(INT64_MIN) >= 0 && d.compareTo(INT64_MAX) <= 0;
        default -> true;
      };
    } else if (v.isTextual()) {
      ok = stringFormatHolds(f, v.asText());
    } else {
      ok = true;
    }
    if (!ok) {
      String text = v.isTextual() ? v.asText() : FieldErrors.number(v);
      out.add(FieldErrors.invalid(path, v, path + " in body must be of type " + f + ": "
          + FieldErrors.quote(text)));
    }
  }

  /** The string formats checked here; any other format is accepted as is. */
  private static boolean stringFormatHolds(String format, String s) {
    try {
      return switch (format) {
        case "date-time", "datetime" -> {
          OffsetDateTime.parse(s);
          yield true;
        }
        case "date" -> {
          LocalDate.parse(s);
          yield true;
        }
        case "uuid" -> UUID.matcher(s).matches();
        case "byte" -> {
          Base64.getDecoder().decode(s);
          yield true;
        }
        case "ipv4" -> IPV4.matcher(s).matches();
        case "ipv6" -> s.contains(":") && java.net.InetAddress.getByName(s) != null;
        default -> true;
      };
    } catch (DateTimeParseException | IllegalArgumentException
        | java.net.UnknownHostException e) {
      return false;
    }
  }

  private static void number(JsonNode v, StructuralSchema s, String path, List<Cause> out) {
    BigDecimal d = v.decimalValue();
    String in = path + " in body ";
    if (s.minimum() != null) {
      int c = d.compareTo(s.minimum());
      if (s.exclusiveMinimum() ? c <= 0 : c < 0) {
        out.add(FieldErrors.invalid(path, v, in + "should be greater than "
            + (s.exclusiveMinimum() ? "" : "or equal to ") + plain(s.minimum())));
      }
    }
    if (s.maximum() != null) {
      int c = d.compareTo(s.maximum());
      if (s.exclusiveMaximum() ? c >= 0 : c > 0) {
        out.add(FieldErrors.invalid(path, v, in + "should be less than "
            + (s.exclusiveMaximum() ? "" : "or equal to ") + plain(s.maximum())));
      }
    }
    if (s.multipleOf() != null && s.multipleOf().signum() > 0
        && d.remainder(s.multipleOf()).signum() != 0) {
      out.add(FieldErrors.invalid(path, v, in + "should be a multiple of "
          + plain(s.multipleOf())));
    }
  }

  private static void string(String text, JsonNode v, StructuralSchema s, String path,
      List<Cause> out) {
    long length = text.codePointCount(0, text.length());
    if (s.minLength() != null && length < s.minLength()) {
      out.add(FieldErrors.invalid(path, v, path + " in body should be at least "
          + s.minLength() + " chars long"));
    }
    if (s.maxLength() != null && length > s.maxLength()) {
      out.add(FieldErrors.tooLong(path, s.maxLength()));
    }
    if (s.pattern() != null && !s.pattern().matcher(text).find()) {
      out.add(FieldErrors.invalid(path, v, path + " in body should match '"
          + s.pattern().pattern() + "'"));
    }
  }

  private static void array(JsonNode v, StructuralSchema s, String path, List<Cause> out) {
    int size = v.size();
    if (s.minItems() != null && size < s.minItems()) {
      out.add(FieldErrors.invalid(path, IntNode.valueOf(size), path + " in body should have at "
          + "least " + s.minItems() + " items"));
    }
    if (s.maxItems() != null && size > s.maxItems()) {
      out.add(FieldErrors.tooMany(path, size, s.maxItems()));
    }
    if (s.items() != null) {
      for (int i = 0; i < size; i++) {
        check(v.get(i), s.items(), path + "[" + i + "]", out);
      }
    }
  }

  private static void object(JsonNode v, StructuralSchema s, String path, List<Cause> out) {
    for (String r : s.required()) {
      if (!v.has(r)) {
        out.add(FieldErrors.required(FieldErrors.child(path, r), ""));
      }
    }
    int size = v.size();
    if (s.minProperties() != null && size < s.minProperties()) {
      out.add(FieldErrors.invalid(path, IntNode.valueOf(size), path + " in body should have at "
          + "least " + s.minProperties() + " properties"));
    }
    if (s.maxProperties() != null && size > s.maxProperties()) {
      out.add(FieldErrors.tooMany(path, size, s.maxProperties()));
    }
    if (s.embeddedResource()) {
      for (String f : List.of("apiVersion", "kind")) {
        if (v.path(f).asText("").isEmpty()) {
          out.add(FieldErrors.required(FieldErrors.child(path, f), "must not be empty"));
        }
      }
    }
    boolean resource = path.isEmpty() || s.embeddedResource();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String child = FieldErrors.child(path, e.getKey());
      StructuralSchema p = s.properties().get(e.getKey());
      if (p != null) {
        check(e.getValue(), p, child, out);
      } else if (s.additionalProperties() != null) {
        check(e.getValue(), s.additionalProperties(), child, out);
      } else if (s.additionalPropertiesForbidden()
          && !(resource && Pruner.RESOURCE_FIELDS.contains(e.getKey()))) {
        out.add(FieldErrors.invalid(child, e.getKey(), child + " in body is a forbidden "
            + "property"));
      }
    }
  }

  private static void junctors(JsonNode v, StructuralSchema s, String path, List<Cause> out) {
    for (StructuralSchema a : s.allOf()) {
      check(v, a, path, out);
    }
    if (!s.anyOf().isEmpty() && s.anyOf().stream().noneMatch(a -> passes(v, a, path))) {
      out.add(FieldErrors.invalid(path, "", path + " in body must validate at least one "
          + "schema (anyOf)"));
    }
    if (!s.oneOf().isEmpty() && s.oneOf().stream().filter(a -> passes(v, a, path)).count() != 1) {
      out.add(FieldErrors.invalid(path, "", path + " in body must validate one and only one "
          + "schema (oneOf)"));
    }
    if (s.not() != null && passes(v, s.not(), path)) {
      out.add(FieldErrors.invalid(path, "", path + " in body must not validate the schema "
          + "(not)"));
    }
  }

  private static boolean passes(JsonNode v, StructuralSchema s, String path) {
    return validate(v, s, path).isEmpty();
  }

  /** JSON equality with numbers compared by value (1 equals 1.0). */
  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }
}
