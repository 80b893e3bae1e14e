package dev.keelson.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads rbac.authorization.k8s.io/v1 objects from their Kubernetes JSON (as kubectl sends them
 * and as the store holds them) and writes them back. Unknown fields (status, managedFields, ...)
 * are ignored; {@code null} and missing lists are empty. A subject without {@code apiGroup} gets
 * Kubernetes' default; a wrong one is invalid.
 */
public final class RbacJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RbacJson() {
  }

  /**
   * The object in {@code obj}, which must carry its namespace if it is namespaced.
   *
   * @throws InvalidRbacObjectException if it is not a valid RBAC object
   */
  public static RbacObject parse(JsonNode obj) {
    return parse(obj, null);
  }

  /**
   * The object in {@code obj} as a request to {@code requestNamespace} sends it: a namespaced
   * object without {@code metadata.namespace} (kubectl leaves it out) is in the request's
   * namespace, and one naming another namespace is invalid. {@code requestNamespace} is ignored
   * for cluster-scoped kinds and may be null.
   *
   * @throws InvalidRbacObjectException if it is not a valid RBAC object
   */
  public static RbacObject parse(JsonNode obj, String requestNamespace) {
    if (obj == null || !obj.isObject()) {
      throw new InvalidRbacObjectException("an RBAC object must be a JSON object");
    }
    String apiVersion = text(obj, "apiVersion");
    if (!apiVersion.isEmpty() && !apiVersion.equals(RbacKind.API_VERSION)) {
      throw new InvalidRbacObjectException("apiVersion: Unsupported value: "
          + Quoting.quote(apiVersion) + ": supported values: \"" + RbacKind.API_VERSION + "\"");
    }
    RbacKind kind = RbacKind.of(text(obj, "kind"));
    JsonNode meta = obj.path("metadata");
    String name = text(meta, "name", "metadata.name");
    String namespace = text(meta, "namespace", "metadata.namespace");
    if (kind.namespaced() && requestNamespace != null && !requestNamespace.isEmpty()) {
      if (namespace.isEmpty()) {
        namespace = requestNamespace;
      } else if (!namespace.equals(requestNamespace)) {
        throw new InvalidRbacObjectException("metadata.namespace: Invalid value: "
            + Quoting.quote(namespace) + ": the namespace of the provided object does not "
            + "match the namespace sent on the request");
      }
    }
    RbacObject.checkIdentity(kind, namespace, name);
    return switch (kind) {
      case ROLE, CLUSTER_ROLE -> new Role(namespace, name, labels(meta.path("labels")),
          rules(obj.path("rules")), aggregation(obj.path("aggregationRule")));
      case ROLE_BINDING, CLUSTER_ROLE_BINDING -> new Binding(namespace, name,
          roleRef(obj.path("roleRef")), subjects(obj.path("subjects")));
    };
  }

  /** The rules in a JSON array of PolicyRule objects ({@code null} or missing: none). */
  public static List<PolicyRule> rules(JsonNode array) {
    List<PolicyRule> rules = new ArrayList<>();
    forEach(array, "rules", (item, path) -> {
      try {
        rules.add(new PolicyRule(strings(item, "verbs"), strings(item, "apiGroups"),
            strings(item, "resources"), strings(item, "resourceNames"),
            strings(item, "nonResourceURLs")));
      } catch (InvalidRbacObjectException e) {
        throw e.under(path);
      }
    });
    return rules;
  }

  private static Optional<AggregationRule> aggregation(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw new InvalidRbacObjectException("aggregationRule: Invalid value: expected an object");
    }
    List<LabelSelector> selectors = new ArrayList<>();
    forEach(node.path("clusterRoleSelectors"), "aggregationRule.clusterRoleSelectors",
        (item, path) -> selectors.add(selector(item, path)));
    return Optional.of(new AggregationRule(selectors));
  }

  private static LabelSelector selector(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new InvalidRbacObjectException(path + ": Invalid value: expected an object");
    }
    Map<String, String> matchLabels = stringMap(node.path("matchLabels"),
        path + ".matchLabels");
    List<LabelSelector.Requirement> expressions = new ArrayList<>();
    forEach(node.path("matchExpressions"), path + ".matchExpressions", (e, p) -> {
      try {
        expressions.add(new LabelSelector.Requirement(text(e, "key"),
            LabelSelector.Operator.of(text(e, "operator")), strings(e, "values")));
      } catch (InvalidRbacObjectException ex) {
        throw ex.under(p);
      }
    });
    return new LabelSelector(matchLabels, expressions);
  }

  private static RoleRef roleRef(JsonNode node) {
    if (!node.isObject()) {
      throw new InvalidRbacObjectException("roleRef: Required value");
    }
    try {
      String kind = text(node, "kind");
      RbacKind k = kind.equals("Role") ? RbacKind.ROLE
          : kind.equals("ClusterRole") ? RbacKind.CLUSTER_ROLE : null;
      if (k == null) {
        throw new InvalidRbacObjectException("kind: Unsupported value: " + Quoting.quote(kind)
            + ": supported values: \"Role\", \"ClusterRole\"");
      }
      return new RoleRef(text(node, "apiGroup"), k, text(node, "name"));
    } catch (InvalidRbacObjectException e) {
      throw e.under("roleRef");
    }
  }

  private static List<Subject> subjects(JsonNode array) {
    List<Subject> subjects = new ArrayList<>();
    forEach(array, "subjects", (item, path) -> {
      try {
        Subject.Kind kind = Subject.Kind.of(text(item, "kind"));
        String group = text(item, "apiGroup");
        String expected = kind == Subject.Kind.SERVICE_ACCOUNT ? "" : RbacKind.GROUP;
        if (!group.isEmpty() && !group.equals(expected)) {
          throw new InvalidRbacObjectException("apiGroup: Unsupported value: "
              + Quoting.quote(group) + ": supported values: " + Quoting.quote(expected));
        }
        subjects.add(new Subject(kind, text(item, "name"), text(item, "namespace")));
      } catch (InvalidRbacObjectException e) {
        throw e.under(path);
      }
    });
    return subjects;
  }

  // ---- writing ----

  /** The object as Kubernetes JSON (apiVersion, kind, metadata with name/namespace/labels). */
  public static ObjectNode toJson(RbacObject o) {
    ObjectNode obj = NODES.objectNode();
    obj.put("apiVersion", RbacKind.API_VERSION);
    obj.put("kind", o.kind().kindName());
    ObjectNode meta = obj.putObject("metadata");
    meta.put("name", o.name());
    if (!o.namespace().isEmpty()) {
      meta.put("namespace", o.namespace());
    }
    if (o instanceof Role r) {
      if (!r.labels().isEmpty()) {
        ObjectNode labels = meta.putObject("labels");
        new TreeMap<>(r.labels()).forEach(labels::put);
      }
      ArrayNode rules = obj.putArray("rules");
      r.rules().forEach(rule -> rules.add(toJson(rule)));
      r.aggregationRule().ifPresent(a -> obj.set("aggregationRule", toJson(a)));
    } else if (o instanceof Binding b) {
      ArrayNode subjects = obj.putArray("subjects");
      for (Subject s : b.subjects()) {
        ObjectNode sj = subjects.addObject();
        sj.put("kind", s.kind().kindName());
        if (s.kind() != Subject.Kind.SERVICE_ACCOUNT) {
          sj.put("apiGroup", RbacKind.GROUP);
        }
        sj.put("name", s.name());
        if (!s.namespace().isEmpty()) {
          sj.put("namespace", s.namespace());
        }
      }
      ObjectNode ref = obj.putObject("roleRef");
      ref.put("apiGroup", b.roleRef().apiGroup());
      ref.put("kind", b.roleRef().kind().kindName());
      ref.put("name", b.roleRef().name());
    }
    return obj;
  }

  /** A rule as JSON, empty lists left out (Go's omitempty) except verbs. */
  public static ObjectNode toJson(PolicyRule r) {
    ObjectNode n = NODES.objectNode();
    putList(n, "verbs", r.verbs(), true);
    putList(n, "apiGroups", r.apiGroups(), false);
    putList(n, "resources", r.resources(), false);
    putList(n, "resourceNames", r.resourceNames(), false);
    putList(n, "nonResourceURLs", r.nonResourceURLs(), false);
    return n;
  }

  private static ObjectNode toJson(AggregationRule a) {
    ObjectNode n = NODES.objectNode();
    ArrayNode selectors = n.putArray("clusterRoleSelectors");
    for (LabelSelector s : a.clusterRoleSelectors()) {
      ObjectNode sel = selectors.addObject();
      if (!s.matchLabels().isEmpty()) {
        ObjectNode ml = sel.putObject("matchLabels");
        new TreeMap<>(s.matchLabels()).forEach(ml::put);
      }
      if (!s.matchExpressions().isEmpty()) {
        ArrayNode exprs = sel.putArray("matchExpressions");
        for (LabelSelector.Requirement req : s.matchExpressions()) {
          ObjectNode e = exprs.addObject();
          e.put("key", req.key());
          e.put("operator", req.operator().jsonName());
          putList(e, "values", req.values(), false);
        }
      }
    }
    return n;
  }

  private static void putList(ObjectNode n, String field, List<String> values, boolean always) {
    if (always || !values.isEmpty()) {
      ArrayNode a = n.putArray(field);
      values.forEach(a::add);
    }
  }

  // ---- JSON shape helpers: each names the field path in its error ----

  private interface ItemReader {
    void read(JsonNode item, String path);
  }

  private static void forEach(JsonNode array, String path, ItemReader reader) {
    if (array.isMissingNode() || array.isNull()) {
      return;
    }
    if (!array.isArray()) {
      throw new InvalidRbacObjectException(path + ": Invalid value: expected an array");
    }
    for (int i = 0; i < array.size(); i++) {
      reader.read(array.get(i), path + "[" + i + "]");
    }
  }

  private static String text(JsonNode parent, String field) {
    return text(parent, field, field);
  }

  private static String text(JsonNode parent, String field, String path) {
    JsonNode n = parent.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new InvalidRbacObjectException(path + ": Invalid value: expected a string");
    }
    return n.textValue();
  }

  private static List<String> strings(JsonNode parent, String field) {
    List<String> out = new ArrayList<>();
    forEach(parent.path(field), field, (item, path) -> {
      if (!item.isTextual()) {
        throw new InvalidRbacObjectException(path + ": Invalid value: expected a string");
      }
      out.add(item.textValue());
    });
    return out;
  }

  private static Map<String, String> labels(JsonNode node) {
    return stringMap(node, "metadata.labels");
  }

  private static Map<String, String> stringMap(JsonNode node, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new InvalidRbacObjectException(path + ": Invalid value: expected an object");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new InvalidRbacObjectException(path + "." + e.getKey()
            + ": Invalid value: expected a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }
}
