package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.api.registry.ApiException.Cause;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a version's {@code openAPIV3Schema} is structural, checked when the definition is
 * written, with Kubernetes' field paths
 * ({@code spec.versions[0].schema.openAPIV3Schema.properties[spec].type}) and messages:
 * every specified node has a type (object at the root), arrays have items, properties and
 * additionalProperties exclude each other, patterns compile, root metadata says nothing but
 * name and generateName, and every default is valid by its own schema.
 */
final class SchemaChecks {
  private enum Level { ROOT, ITEM, FIELD }

  private SchemaChecks() {}

  /** Checks a root schema found at {@code path}; problems go to {@code out}. */
  static void check(JsonNode schema, String path, List<Cause> out) {
    if (!schema.isObject()) {
      out.add(FieldErrors.invalid(path, schema, "must be an object"));
      return;
    }
    if (schema.path("nullable").asBoolean(false)) {
      out.add(FieldErrors.forbidden(path + ".nullable", "nullable cannot be true at the root"));
    }
    node(schema, path, Level.ROOT, "", out);
  }

  private static void node(JsonNode s, String path, Level lvl, String dataPath,
      List<Cause> out) {
    if (!s.isObject()) {
      out.add(FieldErrors.invalid(path, s, "must be an object"));
      return;
    }
    String type = s.path("type").asText("");
    boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
    if (s.has("$ref")) {
      out.add(FieldErrors.forbidden(path + ".$ref", "$ref is not supported"));
    }
    if (!type.isEmpty() && !StructuralSchema.TYPES.contains(type)) {
      out.add(FieldErrors.notSupported(path + ".type", s.path("type"), StructuralSchema.TYPES));
    }
    if (embedded && !type.equals("object")) {
      out.add(type.isEmpty()
          ? FieldErrors.required(path + ".type", "must be object if "
              + "x-kubernetes-embedded-resource is true")
          : FieldErrors.invalid(path + ".type", type, "must be object if "
              + "x-kubernetes-embedded-resource is true"));
    } else if (type.isEmpty() && !intOrString && !preserve) {
      out.add(FieldErrors.required(path + ".type", switch (lvl) {
        case ROOT -> "must not be empty at the root";
        case ITEM -> "must not be empty for specified array items";
        case FIELD -> "must not be empty for specified object fields";
      }));
    }
    if (lvl == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
      out.add(FieldErrors.invalid(path + ".type", type, "must be object at the root"));
    }
    if (intOrString && preserve) {
      out.add(FieldErrors.invalid(path + ".x-kubernetes-preserve-unknown-fields",
          s.path("x-kubernetes-preserve-unknown-fields"),
          "must be false if x-kubernetes-int-or-string is true"));
    }
    if (type.equals("array") && !s.has("items")) {
      out.add(FieldErrors.required(path + ".items", "must be specified"));
    }
    if (s.path("uniqueItems").asBoolean(false)) {
      out.add(FieldErrors.forbidden(path + ".uniqueItems", "uniqueItems cannot be set to true "
          + "since the runtime complexity becomes quadratic"));
    }
    JsonNode ap = s.path("additionalProperties");
    if (!ap.isMissingNode()) {
      if (!s.path("properties").isEmpty() && (ap.isObject() || !ap.asBoolean(true))) {
        out.add(FieldErrors.forbidden(path + ".additionalProperties",
            "additionalProperties and properties are mutual exclusive"));
      }
      if (lvl == Level.ROOT) {
        out.add(FieldErrors.forbidden(path + ".additionalProperties",
            "must not be used at the root"));
      }
      if (embedded) {
        out.add(FieldErrors.forbidden(path + ".additionalProperties",
            "must not be used if x-kubernetes-embedded-resource is set"));
      }
      if (ap.isObject()) {
        node(ap, path + ".additionalProperties", Level.FIELD, dataPath + "[*]", out);
      }
    }
    if (s.has("pattern")) {
      try {
        Pattern.compile(s.path("pattern").asText());
      } catch (PatternSyntaxException e) {
        out.add(FieldErrors.invalid(path + ".pattern", s.path("pattern"),
            "must be a valid regular expression, but isn't: " + e.getDescription()));
      }
    }
    if (lvl == Level.ROOT || embedded) {
      resourceFields(s.path("properties"), path, lvl == Level.ROOT, out);
    }
    if (s.has("items")) {
      node(s.path("items"), path + ".items", Level.ITEM, dataPath + "[*]", out);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (lvl == Level.ROOT && e.getKey().equals("metadata")) {
        continue; // checked by resourceFields
      }
      node(e.getValue(), path + ".properties[" + e.getKey() + "]", Level.FIELD,
          FieldErrors.child(dataPath, e.getKey()), out);
    }
    if (s.has("default") && out.isEmpty()) {
      JsonNode d = s.get("default");
      for (Cause c : SchemaValidator.validate(d, StructuralSchema.of(s), dataPath)) {
        out.add(new Cause(c.reason(), c.message(), path + ".default"));
      }
    }
  }

  /** apiVersion and kind are strings; the root's metadata may name name and generateName. */
  private static void resourceFields(JsonNode props, String path, boolean root,
      List<Cause> out) {
    for (String f : List.of("apiVersion", "kind")) {
      JsonNode p = props.path(f);
      if (p.isObject() && !p.path("type").asText("").equals("string")) {
        out.add(FieldErrors.invalid(path + ".properties[" + f + "].type",
            p.path("type").asText(""), "must be string"));
      }
    }
    JsonNode meta = props.path("metadata");
    if (!meta.isObject()) {
      return;
    }
    if (!meta.path("type").asText("").equals("object")) {
      out.add(FieldErrors.invalid(path + ".properties[metadata].type",
          meta.path("type").asText(""), "must be object"));
    }
    if (!root) {
      return;
    }
    boolean other = false;
    for (Iterator<String> it = meta.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      other |= !k.equals("type") && !k.equals("properties") && !k.equals("description");
    }
    for (Iterator<String> it = meta.path("properties").fieldNames(); it.hasNext(); ) {
      String k = it.next();
      other |= !k.equals("name") && !k.equals("generateName");
    }
    if (other) {
      out.add(FieldErrors.forbidden(path + ".properties[metadata]", "must not specify anything "
          + "other than name and generateName, but metadata is implicitly specified"));
    }
  }
}
