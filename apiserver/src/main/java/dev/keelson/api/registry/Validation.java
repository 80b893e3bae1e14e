package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kubernetes' syntax rules for names, labels and annotations, and the per-type checks users rely
 * on. Each problem is one {@link ApiException.Cause} with the field path and Kubernetes' wording.
 */
public final class Validation {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME = Pattern.compile(
      "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile(
      "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;
  private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of "
      + "lower case alphanumeric characters or '-', and must start and end with an alphanumeric "
      + "character";
  private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must "
      + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
      + "an alphanumeric character";

  private Validation() {}

  /** Types whose names must be DNS-1123 labels rather than subdomains. */
  private static boolean labelNamed(ResourceType t) {
    return t.group().isEmpty()
        && (t.resource().equals("namespaces") || t.resource().equals("services"));
  }

  /** Problems with an object's name, in Kubernetes' words; empty if it is fine. */
  public static List<String> nameProblems(ResourceType t, String name) {
    List<String> out = new ArrayList<>();
    if (t.group().equals("rbac.authorization.k8s.io")) {
      // RBAC names are path segments only
      if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
        out.add("may not contain '/' or '%' and may not be '.' or '..'");
      }
      return out;
    }
    if (labelNamed(t)) {
      if (name.length() > 63) {
        out.add("must be no more than 63 characters");
      }
      if (!DNS1123_LABEL.matcher(name).matches()) {
        out.add(DNS1123_LABEL_MSG + " (e.g. 'my-name',  or '123-abc', regex used for "
            + "validation is '" + DNS1123_LABEL.pattern() + "')");
      }
    } else {
      if (name.length() > 253) {
        out.add("must be no more than 253 characters");
      }
      if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
        out.add(DNS1123_SUBDOMAIN_MSG + " (e.g. 'example.com', regex used for validation is '"
            + DNS1123_SUBDOMAIN.pattern() + "')");
      }
    }
    return out;
  }

  /** Problems with a label or annotation key ({@code [prefix/]name}). */
  static List<String> qualifiedNameProblems(String key) {
    List<String> out = new ArrayList<>();
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        out.add("prefix part must be non-empty");
      } else if (prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        out.add("prefix part " + DNS1123_SUBDOMAIN_MSG);
      }
    }
    if (name.isEmpty()) {
      out.add("name part must be non-empty");
    } else {
      if (name.length() > 63) {
        out.add("name part must be no more than 63 characters");
      }
      if (!QUALIFIED_NAME.matcher(name).matches()) {
        out.add("name part must consist of alphanumeric characters, '-', '_' or '.', and must "
            + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?"
            + "[A-Za-z0-9]')");
      }
    }
    return out;
  }

  static List<String> labelValueProblems(String value) {
    List<String> out = new ArrayList<>();
    if (value.length() > 63) {
      out.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      out.add("a valid label must be an empty string or consist of alphanumeric characters, "
          + "'-', '_' or '.', and must start and end with an alphanumeric character");
    }
    return out;
  }

  /** Checks metadata and the per-type rules; the problems found, in field order. */
  public static List<ApiException.Cause> validate(ResourceType t, ObjectNode obj) {
    List<ApiException.Cause> causes = new ArrayList<>();
    JsonNode meta = obj.path("metadata");
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      causes.add(required("metadata.name", "name or generateName is required"));
    } else {
      nameProblems(t, name).forEach(p -> causes.add(invalid("metadata.name", name, p)));
    }
    if (t.namespaced()) {
      String ns = meta.path("namespace").asText("");
      if (ns.isEmpty()) {
        causes.add(required("metadata.namespace", "Required value"));
      }
    }
    JsonNode labels = meta.path("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      var e = it.next();
      qualifiedNameProblems(e.getKey()).forEach(p ->
          causes.add(invalid("metadata.labels", e.getKey(), p)));
      if (!e.getValue().isTextual()) {
        causes.add(invalid("metadata.labels", e.getKey(), "label values must be strings"));
      } else {
        labelValueProblems(e.getValue().asText()).forEach(p ->
            causes.add(invalid("metadata.labels", e.getValue().asText(), p)));
      }
    }
    JsonNode annotations = meta.path("annotations");
    long size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      var e = it.next();
      qualifiedNameProblems(e.getKey().toLowerCase()).forEach(p ->
          causes.add(invalid("metadata.annotations", e.getKey(), p)));
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length
          + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > ANNOTATIONS_MAX_BYTES) {
      causes.add(new ApiException.Cause("FieldValueTooLong", "Too long: must have at most "
          + ANNOTATIONS_MAX_BYTES + " bytes", "metadata.annotations"));
    }
    TypeRules.validate(t, obj, causes);
    return causes;
  }

  static ApiException.Cause required(String field, String message) {
    return new ApiException.Cause("FieldValueRequired", message.equals("Required value")
        ? message : "Required value: " + message, field);
  }

  static ApiException.Cause invalid(String field, String value, String message) {
    return new ApiException.Cause("FieldValueInvalid",
        "Invalid value: \"" + value + "\": " + message, field);
  }

  static boolean validConfigKey(String key) {
    return key.length() <= 253 && CONFIG_KEY.matcher(key).matches()
        && !key.equals(".") && !key.equals("..") && !key.startsWith("..");
  }

  static boolean validLabel(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
  }
}
