package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.admission.AdmissionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One rule of admissionregistration/v1: a webhook's {@code RuleWithOperations} or a policy's
 * {@code NamedRuleWithOperations}. A request matches when every field does; "*" in operations,
 * apiGroups or apiVersions matches anything.
 *
 * <p>A resource is {@code res} (the resource itself, no subresource), {@code res/sub},
 * {@code res/*} (the resource and every subresource), {@code *} (every resource, no
 * subresource), <code>&#42;/sub</code> (that subresource of every resource) or
 * <code>&#42;/&#42;</code> (everything). Scope "Cluster" or "Namespaced" narrows by where the
 * object lives (a Namespace itself is cluster-scoped); "*" is the default. resourceNames, when
 * not empty, restricts the rule to objects of those names (policies only; webhook rules have
 * none).
 */
public record ResourceRule(Set<String> operations, Set<String> apiGroups,
    Set<String> apiVersions, List<String> resources, Scope scope, Set<String> resourceNames) {
  /** Which objects a rule covers by where they live. */
  public enum Scope { CLUSTER, NAMESPACED, ALL }

  private static final ResourceRule EVERYTHING = new ResourceRule(Set.of("*"), Set.of("*"),
      Set.of("*"), List.of("*/*"), Scope.ALL, Set.of());

  public ResourceRule {
    operations = Set.copyOf(operations);
    apiGroups = Set.copyOf(apiGroups);
    apiVersions = Set.copyOf(apiVersions);
    resources = List.copyOf(resources);
    scope = scope == null ? Scope.ALL : scope;
    resourceNames = Set.copyOf(resourceNames);
  }

  /** Every operation on every resource and subresource. */
  public static ResourceRule everything() {
    return EVERYTHING;
  }

  /**
   * Reads one rule.
   *
   * @throws IllegalArgumentException if a list is not a list of strings or scope is not
   *     "Cluster", "Namespaced" or "*"
   */
  public static ResourceRule parse(JsonNode rule) {
    Scope scope = switch (JsonFields.oneOf(rule, "scope", "*", "Cluster", "Namespaced", "*")) {
      case "Cluster" -> Scope.CLUSTER;
      case "Namespaced" -> Scope.NAMESPACED;
      default -> Scope.ALL;
    };
    return new ResourceRule(Set.copyOf(JsonFields.strings(rule, "operations")),
        Set.copyOf(JsonFields.strings(rule, "apiGroups")),
        Set.copyOf(JsonFields.strings(rule, "apiVersions")),
        JsonFields.strings(rule, "resources"), scope,
        Set.copyOf(JsonFields.strings(rule, "resourceNames")));
  }

  /** Reads the list at {@code field} of {@code parent}; errors name {@code field[i]}. */
  public static List<ResourceRule> parseAll(JsonNode parent, String field) {
    List<ResourceRule> rules = new ArrayList<>();
    List<JsonNode> items = JsonFields.array(parent, field);
    for (int i = 0; i < items.size(); i++) {
      try {
        rules.add(parse(items.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + "[" + i + "]." + e.getMessage(), e);
      }
    }
    return rules;
  }

  /**
   * Whether the rule covers {@code r}. With {@code anyVersion} (matchPolicy Equivalent: every
   * type is served in one version here, so any version of the same group and resource is
   * equivalent) the rule's apiVersions are not compared.
   */
  public boolean matches(AdmissionRequest r, boolean anyVersion) {
    return listed(operations, r.operation().name()) && listed(apiGroups, r.group())
        && (anyVersion || listed(apiVersions, r.version())) && resource(r) && scope(r)
        && (resourceNames.isEmpty() || resourceNames.contains(r.name()));
  }

  private static boolean listed(Set<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }

  private boolean resource(AdmissionRequest r) {
    String subresource = r.subresource() == null ? "" : r.subresource();
    for (String entry : resources) {
      int slash = entry.indexOf('/');
      String res = slash < 0 ? entry : entry.substring(0, slash);
      String sub = slash < 0 ? "" : entry.substring(slash + 1);
      if ((res.equals("*") || res.equals(r.resource()))
          && (sub.equals("*") || sub.equals(subresource))) {
        return true;
      }
    }
    return false;
  }

  private boolean scope(AdmissionRequest r) {
    boolean clusterScoped = MatchResources.isNamespace(r) || r.namespace() == null
        || r.namespace().isEmpty();
    return switch (scope) {
      case ALL -> true;
      case CLUSTER -> clusterScoped;
      case NAMESPACED -> !clusterScoped;
    };
  }
}
