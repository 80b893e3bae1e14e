package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One node of a custom resource's {@code openAPIV3Schema}, read into an immutable tree: the
 * keywords Keelson prunes, defaults and validates by. Reading is lenient (a keyword of the wrong
 * shape counts as absent, an invalid pattern as none); whether a schema is acceptable at all is
 * {@link SchemaChecks}' question, asked when the definition is written.
 *
 * <p>{@code x-kubernetes-validations} (CEL rules) and {@code x-kubernetes-list-type} are read
 * by nobody yet: they are ignored, not enforced.
 */
public final class StructuralSchema {
  /** The six types of a structural schema; {@code ""} when the node has none. */
  static final List<String> TYPES = List.of("array", "boolean", "integer", "number", "object",
      "string");

  private final JsonNode source;
  private final String type;
  private final Map<String, StructuralSchema> properties;
  private final StructuralSchema items;
  private final StructuralSchema additionalProperties;
  private final boolean additionalPropertiesForbidden;
  private final boolean additionalPropertiesAllowed;
  private final List<String> required;
  private final List<JsonNode> enumValues;
  private final Pattern pattern;
  private final BigDecimal minimum;
  private final BigDecimal maximum;
  private final boolean exclusiveMinimum;
  private final boolean exclusiveMaximum;
  private final BigDecimal multipleOf;
  private final Long minLength;
  private final Long maxLength;
  private final Long minItems;
  private final Long maxItems;
  private final Long minProperties;
  private final Long maxProperties;
  private final String format;
  private final boolean nullable;
  private final boolean preserveUnknownFields;
  private final boolean intOrString;
  private final boolean embeddedResource;
  private final JsonNode defaultValue;
  private final List<StructuralSchema> allOf;
  private final List<StructuralSchema> anyOf;
  private final List<StructuralSchema> oneOf;
  private final StructuralSchema not;

  private StructuralSchema(JsonNode s) {
    source = s;
    type = s.path("type").isTextual() ? s.path("type").asText() : "";
    Map<String, StructuralSchema> props = new LinkedHashMap<>();
    s.path("properties").fields().forEachRemaining(e -> {
      if (e.getValue().isObject()) {
        props.put(e.getKey(), new StructuralSchema(e.getValue()));
      }
    });
    properties = Collections.unmodifiableMap(props);
    items = s.path("items").isObject() ? new StructuralSchema(s.path("items")) : null;
    JsonNode ap = s.path("additionalProperties");
    additionalProperties = ap.isObject() ? new StructuralSchema(ap) : null;
    additionalPropertiesForbidden = ap.isBoolean() && !ap.asBoolean();
    additionalPropertiesAllowed = ap.isBoolean() && ap.asBoolean();
    List<String> req = new ArrayList<>();
    s.path("required").forEach(r -> req.add(r.asText()));
    required = List.copyOf(req);
    List<JsonNode> en = new ArrayList<>();
    s.path("enum").forEach(en::add);
    enumValues = List.copyOf(en);
    pattern = compile(s.path("pattern").asText(null));
    minimum = decimal(s.path("minimum"));
    maximum = decimal(s.path("maximum"));
    exclusiveMinimum = s.path("exclusiveMinimum").asBoolean(false);
    exclusiveMaximum = s.path("exclusiveMaximum").asBoolean(false);
    multipleOf = decimal(s.path("multipleOf"));
    minLength = count(s.path("minLength"));
    maxLength = count(s.path("maxLength"));
    minItems = count(s.path("minItems"));
    maxItems = count(s.path("maxItems"));
    minProperties = count(s.path("minProperties"));
    maxProperties = count(s.path("maxProperties"));
    format = s.path("format").asText("");
    nullable = s.path("nullable").asBoolean(false);
    preserveUnknownFields = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    embeddedResource = s.path("x-kubernetes-embedded-resource").asBoolean(false);
    defaultValue = s.has("default") ? s.get("default") : null;
    allOf = list(s.path("allOf"));
    anyOf = list(s.path("anyOf"));
    oneOf = list(s.path("oneOf"));
    not = s.path("not").isObject() ? new StructuralSchema(s.path("not")) : null;
  }

  /** Reads a schema; a node that is not an object reads as the empty schema. */
  public static StructuralSchema of(JsonNode schema) {
    return new StructuralSchema(schema != null && schema.isObject() ? schema
        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
  }

  private static List<StructuralSchema> list(JsonNode a) {
    List<StructuralSchema> out = new ArrayList<>();
    for (JsonNode n : a) {
      if (n.isObject()) {
        out.add(new StructuralSchema(n));
      }
    }
    return List.copyOf(out);
  }

  private static Pattern compile(String p) {
    if (p == null) {
      return null;
    }
    try {
      return Pattern.compile(p);
    } catch (PatternSyntaxException e) {
      return null;
    }
  }

  private static BigDecimal decimal(JsonNode n) {
    return n.isNumber() ? n.decimalValue() : null;
  }

  private static Long count(JsonNode n) {
    return n.canConvertToLong() && n.isIntegralNumber() ? n.asLong() : null;
  }

  /** The JSON this was read from. */
  public JsonNode source() {
    return source;
  }

  public String type() {
    return type;
  }

  public Map<String, StructuralSchema> properties() {
    return properties;
  }

  /** The schema of array items, or null. */
  public StructuralSchema items() {
    return items;
  }

  /** The schema of every field not in {@link #properties()} (a map's values), or null. */
  public StructuralSchema additionalProperties() {
    return additionalProperties;
  }

  /** {@code additionalProperties: false}: an object with no fields beyond its properties. */
  public boolean additionalPropertiesForbidden() {
    return additionalPropertiesForbidden;
  }

  /** {@code additionalProperties: true}: any further field, of any shape. */
  public boolean additionalPropertiesAllowed() {
    return additionalPropertiesAllowed;
  }

  public List<String> required() {
    return required;
  }

  public List<JsonNode> enumValues() {
    return enumValues;
  }

  public Pattern pattern() {
    return pattern;
  }

  public BigDecimal minimum() {
    return minimum;
  }

  public BigDecimal maximum() {
    return maximum;
  }

  public boolean exclusiveMinimum() {
    return exclusiveMinimum;
  }

  public boolean exclusiveMaximum() {
    return exclusiveMaximum;
  }

  public BigDecimal multipleOf() {
    return multipleOf;
  }

  public Long minLength() {
    return minLength;
  }

  public Long maxLength() {
    return maxLength;
  }

  public Long minItems() {
    return minItems;
  }

  public Long maxItems() {
    return maxItems;
  }

  public Long minProperties() {
    return minProperties;
  }

  public Long maxProperties() {
    return maxProperties;
  }

  public String format() {
    return format;
  }

  public boolean nullable() {
    return nullable;
  }

  public boolean preserveUnknownFields() {
    return preserveUnknownFields;
  }

  public boolean intOrString() {
    return intOrString;
  }

  public boolean embeddedResource() {
    return embeddedResource;
  }

  /** The {@code default} value, or null when there is none ({@code default: null} is JSON null). */
  public JsonNode defaultValue() {
    return defaultValue;
  }

  public List<StructuralSchema> allOf() {
    return allOf;
  }

  public List<StructuralSchema> anyOf() {
    return anyOf;
  }

  public List<StructuralSchema> oneOf() {
    return oneOf;
  }

  /** The {@code not} schema, or null. */
  public StructuralSchema not() {
    return not;
  }
}
