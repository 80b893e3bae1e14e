package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException.Cause;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.TypeHooks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CustomResourceDefinition kind's own rules: on create, the cleanup finalizer (so deleting
 * a definition deletes its objects first, see {@link CrdController}); on every write, the
 * defaults of apiextensions.k8s.io/v1 (singular, listKind, conversion None) and Kubernetes'
 * validation of the definition, with its field paths and messages.
 */
public final class CrdHooks implements TypeHooks {
  /** Kubernetes' finalizer: the definition goes once its objects are gone. */
  public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
  static final String GROUP = "apiextensions.k8s.io";
  private static final String APPROVAL = "api-approved.kubernetes.io";
  private static final Pattern DNS1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final String DNS1035_MSG = "a DNS-1035 label must consist of lower case "
      + "alphanumeric characters or '-', start with an alphabetic character, and end with an "
      + "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
      + "'[a-z]([-a-z0-9]*[a-z0-9])?')";
  private static final String DNS1123_MSG = "a lowercase RFC 1123 subdomain must consist of "
      + "lower case alphanumeric characters, '-' or '.', and must start and end with an "
      + "alphanumeric character (e.g. 'example.com', regex used for validation is "
      + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  /** Whether {@code t} is the CustomResourceDefinition kind. */
  static boolean isCrd(ResourceType t) {
    return t.group().equals(GROUP) && t.resource().equals("customresourcedefinitions");
  }

  @Override
  public void prepare(ResourceType t, ObjectNode obj, ObjectNode old) {
    if (!isCrd(t)) {
      return;
    }
    ObjectNode meta = obj.withObjectProperty("metadata");
    if (old == null && !meta.has("deletionTimestamp")) {
      ArrayNode f = meta.withArrayProperty("finalizers");
      if (!contains(f, CLEANUP_FINALIZER)) {
        f.add(CLEANUP_FINALIZER);
      }
    }
    if (!(obj.path("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (spec.path("names") instanceof ObjectNode names && names.path("kind").isTextual()
        && !names.path("kind").asText().isEmpty()) {
      String kind = names.path("kind").asText();
      if (names.path("singular").asText("").isEmpty()) {
        names.put("singular", kind.toLowerCase());
      }
      if (names.path("listKind").asText("").isEmpty()) {
        names.put("listKind", kind + "List");
      }
    }
    if (!spec.has("conversion")) {
      spec.putObject("conversion").put("strategy", "None");
    }
  }

  private static boolean contains(ArrayNode a, String v) {
    for (JsonNode n : a) {
      if (v.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<Cause> validate(ResourceType t, ObjectNode obj, ObjectNode old) {
    if (!isCrd(t)) {
      return List.of();
    }
    List<Cause> out = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText("");
    String plural = names.path("plural").asText("");
    String name = obj.path("metadata").path("name").asText("");
    if (!name.isEmpty() && !name.equals(plural + "." + group)) {
      out.add(FieldErrors.invalid("metadata.name", name,
          "must be spec.names.plural+\".\"+spec.group"));
    }
    if (group.isEmpty()) {
      out.add(FieldErrors.required("spec.group", ""));
    } else if (group.length() > 253 || !DNS1123_SUBDOMAIN.matcher(group).matches()) {
      out.add(FieldErrors.invalid("spec.group", group, DNS1123_MSG));
    } else if (!group.contains(".")) {
      out.add(FieldErrors.invalid("spec.group", group, "should be a domain with at least one "
          + "dot"));
    } else if (protectedGroup(group)
        && obj.path("metadata").path("annotations").path(APPROVAL).asText("").isEmpty()) {
      out.add(FieldErrors.required("metadata.annotations[" + APPROVAL + "]", "protected groups "
          + "must have approval annotation \"" + APPROVAL + "\", see "
          + "https://github.com/kubernetes/enhancements/pull/1111"));
    }
    String scope = spec.path("scope").asText("");
    if (scope.isEmpty()) {
      out.add(FieldErrors.required("spec.scope", ""));
    } else if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
      out.add(FieldErrors.notSupported("spec.scope", spec.path("scope"),
          List.of("Cluster", "Namespaced")));
    }
    names(names, out);
    versions(spec.path("versions"), out);
    if (old != null) {
      immutable(old.path("spec").path("group"), spec.path("group"), "spec.group", out);
      immutable(old.path("spec").path("names").path("plural"), names.path("plural"),
          "spec.names.plural", out);
      if (established(old)) {
        immutable(old.path("spec").path("scope"), spec.path("scope"), "spec.scope", out);
        immutable(old.path("spec").path("names").path("kind"), names.path("kind"),
            "spec.names.kind", out);
      }
    }
    return out;
  }

  /** Groups Kubernetes reserves for APIs that went through its review. */
  private static boolean protectedGroup(String group) {
    return group.equals("k8s.io") || group.endsWith(".k8s.io")
        || group.equals("kubernetes.io") || group.endsWith(".kubernetes.io");
  }

  private static boolean established(JsonNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Established")
          && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }

  private static void immutable(JsonNode before, JsonNode after, String field,
      List<Cause> out) {
    if (!before.equals(after)) {
      out.add(FieldErrors.invalid(field, after, "field is immutable"));
    }
  }

  private static void names(JsonNode names, List<Cause> out) {
    for (String f : List.of("plural", "singular", "kind", "listKind")) {
      if (names.path(f).asText("").isEmpty()) {
        out.add(FieldErrors.required("spec.names." + f, ""));
      }
    }
    label(names.path("plural").asText(""), "spec.names.plural", "", out);
    label(names.path("singular").asText(""), "spec.names.singular", "", out);
    String kind = names.path("kind").asText("");
    label(kind.toLowerCase(), "spec.names.kind", kind, out);
    String listKind = names.path("listKind").asText("");
    label(listKind.toLowerCase(), "spec.names.listKind", listKind, out);
    if (!kind.isEmpty() && kind.equals(listKind)) {
      out.add(FieldErrors.invalid("spec.names.listKind", listKind,
          "kind and listKind may not be the same"));
    }
    for (int i = 0; i < names.path("shortNames").size(); i++) {
      label(names.path("shortNames").get(i).asText(""), "spec.names.shortNames[" + i + "]", "",
          out);
    }
    for (int i = 0; i < names.path("categories").size(); i++) {
      label(names.path("categories").get(i).asText(""), "spec.names.categories[" + i + "]", "",
          out);
    }
  }

  /** A DNS-1035 label check; {@code mixedCase} is the original of a kind (may have capitals). */
  private static void label(String value, String field, String mixedCase, List<Cause> out) {
    if (value.isEmpty() && mixedCase.isEmpty() && !field.contains("[")) {
      return;
    }
    if (value.length() <= 63 && DNS1035.matcher(value).matches()) {
      return;
    }
    String problem = value.length() > 63 ? "must be no more than 63 characters" : DNS1035_MSG;
    out.add(mixedCase.isEmpty() ? FieldErrors.invalid(field, value, problem)
        : FieldErrors.invalid(field, mixedCase, "may have mixed case, but should otherwise "
            + "match: " + problem));
  }

  private static void versions(JsonNode versions, List<Cause> out) {
    int storage = 0;
    Set<String> seen = new HashSet<>();
    boolean unique = true;
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      String p = "spec.versions[" + i + "]";
      String name = v.path("name").asText("");
      if (v.path("storage").asBoolean(false)) {
        storage++;
      }
      unique &= seen.add(name);
      if (name.isEmpty()) {
        out.add(FieldErrors.required(p + ".name", ""));
      } else {
        label(name, p + ".name", "", out);
      }
      JsonNode schema = v.path("schema").path("openAPIV3Schema");
      if (schema.isMissingNode() || schema.isNull()) {
        out.add(FieldErrors.required(p + ".schema.openAPIV3Schema", "schemas are required"));
      } else {
        SchemaChecks.check(schema, p + ".schema.openAPIV3Schema", out);
      }
      scale(v.path("subresources").path("scale"), p + ".subresources.scale", out);
    }
    if (!unique) {
      out.add(FieldErrors.invalid("spec.versions", summary(versions),
          "must contain unique version names"));
    }
    if (storage != 1) {
      out.add(FieldErrors.invalid("spec.versions", summary(versions),
          "must have exactly one version marked as storage version"));
    }
  }

  /** The versions as a message shows them: their names. */
  private static String summary(JsonNode versions) {
    List<String> names = new ArrayList<>();
    versions.forEach(v -> names.add(v.path("name").asText("")));
    return names.toString();
  }

  private static void scale(JsonNode scale, String p, List<Cause> out) {
    if (!scale.isObject()) {
      return;
    }
    String spec = scale.path("specReplicasPath").asText("");
    if (spec.isEmpty()) {
      out.add(FieldErrors.required(p + ".specReplicasPath", ""));
    } else if (!spec.startsWith(".spec.") || spec.length() <= ".spec.".length()) {
      out.add(FieldErrors.invalid(p + ".specReplicasPath", spec,
          "should be a json path under .spec"));
    }
    String status = scale.path("statusReplicasPath").asText("");
    if (status.isEmpty()) {
      out.add(FieldErrors.required(p + ".statusReplicasPath", ""));
    } else if (!status.startsWith(".status.") || status.length() <= ".status.".length()) {
      out.add(FieldErrors.invalid(p + ".statusReplicasPath", status,
          "should be a json path under .status"));
    }
    String selector = scale.path("labelSelectorPath").asText("");
    if (!selector.isEmpty() && !selector.startsWith(".spec.")
        && !selector.startsWith(".status.")) {
      out.add(FieldErrors.invalid(p + ".labelSelectorPath", selector,
          "should be a json path under either .spec or .status"));
    }
  }
}
