package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.admission.AdmissionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code NamedRuleWithOperations} (admissionregistration/v1): operations, apiGroups,
 * apiVersions and resources, each "*" for all; a resource is {@code name} (the main resource
 * only), {@code name/sub}, {@code name/*} (the resource and every subresource, as Kubernetes'
 * matcher reads it), {@code *&#47;sub} or {@code *&#47;*}; scope is
 * "Cluster", "Namespaced" or "*" (the default; a Namespace itself is cluster-scoped); and
 * resourceNames, when not empty, restricts the rule to objects of those names.
 */
public record ResourceRule(Set<String> operations, Set<String> apiGroups,
    Set<String> apiVersions, List<String> resources, String scope, Set<String> resourceNames) {
  public ResourceRule {
    operations = Set.copyOf(operations);
    apiGroups = Set.copyOf(apiGroups);
    apiVersions = Set.copyOf(apiVersions);
    resources = List.copyOf(resources);
    scope = scope == null || scope.isEmpty() ? "*" : scope;
    resourceNames = Set.copyOf(resourceNames);
  }

  public static ResourceRule parse(JsonNode rule) {
    return new ResourceRule(strings(rule.path("operations")), strings(rule.path("apiGroups")),
        strings(rule.path("apiVersions")), new ArrayList<>(strings(rule.path("resources"))),
        rule.path("scope").asText("*"), strings(rule.path("resourceNames")));
  }

  public static List<ResourceRule> parseAll(JsonNode rules) {
    List<ResourceRule> list = new ArrayList<>();
    for (JsonNode rule : rules) {
      list.add(parse(rule));
    }
    return list;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> set = new java.util.LinkedHashSet<>();
    array.forEach(v -> set.add(v.asText()));
    return set;
  }

  public boolean matches(AdmissionRequest r) {
    return anyOf(operations, r.operation().name()) && anyOf(apiGroups, r.group())
        && anyOf(apiVersions, r.version()) && resource(r) && scope(r)
        && (resourceNames.isEmpty() || resourceNames.contains(r.name()));
  }

  private static boolean anyOf(Set<String> allowed, String value) {
    return allowed.contains("*") || allowed.contains(value);
  }

  private boolean resource(AdmissionRequest r) {
    String sub = r.subresource() == null ? "" : r.subresource();
    for (String res : resources) {
      int slash = res.indexOf('/');
      String name = slash < 0 ? res : res.substring(0, slash);
      String subName = slash < 0 ? "" : res.substring(slash + 1);
      if ((name.equals("*") || name.equals(r.resource()))
          && (subName.equals("*") || subName.equals(sub))) {
        return true;
      }
    }
    return false;
  }

  private boolean scope(AdmissionRequest r) {
    boolean namespaceItself = r.group().isEmpty() && r.resource().equals("namespaces");
    boolean clusterScoped = namespaceItself || r.namespace() == null || r.namespace().isEmpty();
    return switch (scope) {
      case "*" -> true;
      case "Cluster" -> clusterScoped;
      case "Namespaced" -> !clusterScoped;
      default -> false;
    };
  }
}
