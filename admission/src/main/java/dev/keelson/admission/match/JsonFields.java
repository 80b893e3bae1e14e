package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict readers of the fields of stored admissionregistration/v1 objects: a field of the
 * wrong JSON type, or an enum value outside its set, is an {@link IllegalArgumentException}
 * naming the field, as the API server's validation would have refused it. Missing and null
 * fields take the given default (or are empty).
 */
public final class JsonFields {
  private JsonFields() {
  }

  /** A string field. */
  public static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + ": must be a string");
    }
    return v.asText();
  }

  /** A string field that must be one of {@code allowed}. */
  public static String oneOf(JsonNode n, String field, String dflt, String... allowed) {
    String v = text(n, field, dflt);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(field + ": Unsupported value: \"" + v + "\"");
  }

  /** A list field, its items in order. */
  public static List<JsonNode> array(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + ": must be a list");
    }
    List<JsonNode> items = new ArrayList<>();
    v.forEach(items::add);
    return items;
  }

  /** A list-of-strings field. */
  public static List<String> strings(JsonNode n, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode v : array(n, field)) {
      if (!v.isTextual()) {
        throw new IllegalArgumentException(field + ": must be a list of strings");
      }
      values.add(v.asText());
    }
    return values;
  }
}
