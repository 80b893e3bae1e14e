package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.api.registry.ApiException.Cause;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Field-level problems worded as Kubernetes' {@code field.Error}s are: a reason, and a message
 * of the form {@code <Type>: <value>: <detail>} with strings quoted and numbers bare.
 */
final class FieldErrors {
  private FieldErrors() {}

  static Cause required(String field, String detail) {
    return new Cause("FieldValueRequired",
        detail.isEmpty() ? "Required value" : "Required value: " + detail, field);
  }

  static Cause invalid(String field, JsonNode value, String detail) {
    return new Cause("FieldValueInvalid", "Invalid value: " + render(value) + ": " + detail,
        field);
  }

  static Cause invalid(String field, String value, String detail) {
    return new Cause("FieldValueInvalid", "Invalid value: " + quote(value) + ": " + detail,
        field);
  }

  static Cause typeInvalid(String field, String value, String detail) {
    return new Cause("FieldValueTypeInvalid", "Invalid value: " + quote(value) + ": " + detail,
        field);
  }

  static Cause notSupported(String field, JsonNode value, List<String> supported) {
    return new Cause("FieldValueNotSupported", "Unsupported value: " + render(value)
        + ": supported values: " + supported.stream().map(FieldErrors::quote)
        .collect(Collectors.joining(", ")), field);
  }

  static Cause forbidden(String field, String detail) {
    return new Cause("FieldValueForbidden", "Forbidden: " + detail, field);
  }

  static Cause tooLong(String field, long max) {
    return new Cause("FieldValueTooLong", "Too long: may not be longer than " + max, field);
  }

  static Cause tooMany(String field, long actual, long max) {
    return new Cause("FieldValueTooMany", "Too many: " + actual + ": must have at most " + max
        + " items", field);
  }

  /** A value as Go's {@code %v}/{@code %q} show it: strings quoted, numbers and booleans bare. */
  static String render(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isTextual()) {
      return quote(v.asText());
    }
    if (v.isNumber()) {
      return number(v);
    }
    return v.toString();
  }

  static String number(JsonNode v) {
    return v.isIntegralNumber() ? v.asText()
        : v.decimalValue().stripTrailingZeros().toPlainString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** {@code parent.child}, or {@code child} at the root. */
  static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
