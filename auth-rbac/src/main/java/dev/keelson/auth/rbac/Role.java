package dev.keelson.auth.rbac;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Role (namespace set) or a ClusterRole (namespace empty): its labels, its own rules and, for a
 * ClusterRole only, an optional aggregation rule. A Role's rules cannot name non-resource URLs,
 * as in Kubernetes' validation.
 */
public record Role(String namespace, String name, Map<String, String> labels,
    List<PolicyRule> rules, Optional<AggregationRule> aggregationRule) implements RbacObject {

  public Role {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    rules = rules == null ? List.of() : List.copyOf(rules);
    aggregationRule = aggregationRule == null ? Optional.empty() : aggregationRule;
    boolean namespaced = namespace != null && !namespace.isEmpty();
    namespace = RbacObject.checkIdentity(namespaced ? RbacKind.ROLE : RbacKind.CLUSTER_ROLE,
        namespace, name);
    if (namespaced) {
      if (aggregationRule.isPresent()) {
        throw new InvalidRbacObjectException("aggregationRule: Forbidden: only ClusterRoles "
            + "can be aggregated");
      }
      for (int i = 0; i < rules.size(); i++) {
        if (!rules.get(i).isResourceRule()) {
          throw new InvalidRbacObjectException("rules[" + i + "].nonResourceURLs: Invalid "
              + "value: namespaced rules cannot apply to non-resource URLs");
        }
      }
    }
  }

  /** A Role in {@code namespace}. */
  public static Role role(String namespace, String name, List<PolicyRule> rules) {
    if (namespace == null || namespace.isEmpty()) {
      throw new InvalidRbacObjectException("metadata.namespace: Required value");
    }
    return new Role(namespace, name, Map.of(), rules, Optional.empty());
  }

  /** A ClusterRole without labels or aggregation. */
  public static Role clusterRole(String name, List<PolicyRule> rules) {
    return new Role("", name, Map.of(), rules, Optional.empty());
  }

  @Override
  public RbacKind kind() {
    return namespace.isEmpty() ? RbacKind.CLUSTER_ROLE : RbacKind.ROLE;
  }

  /** This role with other labels (aggregation selects ClusterRoles by label). */
  public Role withLabels(Map<String, String> newLabels) {
    return new Role(namespace, name, newLabels, rules, aggregationRule);
  }
}
