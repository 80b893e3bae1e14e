package dev.keelson.admission.webhook;

import dev.keelson.admission.AdmissionRequest;
import java.util.List;

/**
 * One entry of a webhook's {@code rules} (RuleWithOperations): the request matches when every
 * field does. {@code "*"} matches anything in each list. A resource is {@code "res"} (the
 * resource itself, no subresource), {@code "res/sub"}, {@code "res/*"} (the resource and any
 * subresource), {@code "*"} (every resource, no subresource), <code>"&#42;/sub"</code> (that
 * subresource of every resource) or <code>"&#42;/&#42;"</code> (everything).
 */
record Rule(List<String> operations, List<String> apiGroups, List<String> apiVersions,
    List<String> resources, Scope scope) {
  /** Which objects a rule covers by where they live; a Namespace object is cluster-scoped. */
  enum Scope { CLUSTER, NAMESPACED, ALL }

  Rule {
    operations = List.copyOf(operations);
    apiGroups = List.copyOf(apiGroups);
    apiVersions = List.copyOf(apiVersions);
    resources = List.copyOf(resources);
  }

  /**
   * Whether the rule covers {@code r}; with {@code anyVersion} (matchPolicy Equivalent: a type
   * is served in one version here, so any version of the same group and resource is
   * equivalent) the rule's versions are not compared.
   */
  boolean matches(AdmissionRequest r, boolean anyVersion) {
    return listed(operations, r.operation().name()) && listed(apiGroups, r.group())
        && (anyVersion || listed(apiVersions, r.version())) && resource(r) && scope(r);
  }

  private static boolean listed(List<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }

  private boolean resource(AdmissionRequest r) {
    for (String entry : resources) {
      int slash = entry.indexOf('/');
      String res = slash < 0 ? entry : entry.substring(0, slash);
      String sub = slash < 0 ? "" : entry.substring(slash + 1);
      boolean resMatch = res.equals("*") || res.equals(r.resource());
      boolean subMatch = sub.equals("*") || sub.equals(r.subresource());
      if (resMatch && subMatch) {
        return true;
      }
    }
    return false;
  }

  private boolean scope(AdmissionRequest r) {
    boolean clusterScoped = Requests.isNamespace(r) || r.namespace().isEmpty();
    return switch (scope) {
      case ALL -> true;
      case CLUSTER -> clusterScoped;
      case NAMESPACED -> !clusterScoped;
    };
  }
}
