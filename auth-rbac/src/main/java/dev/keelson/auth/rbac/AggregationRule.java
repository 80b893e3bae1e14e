package dev.keelson.auth.rbac;

import java.util.List;
import java.util.Map;

/**
 * A ClusterRole's {@code aggregationRule}: the role also holds the rules of every ClusterRole
 * whose labels match any of the selectors.
 */
public record AggregationRule(List<LabelSelector> clusterRoleSelectors) {

  public AggregationRule {
    clusterRoleSelectors = clusterRoleSelectors == null ? List.of()
        : List.copyOf(clusterRoleSelectors);
  }

  public static AggregationRule matchingLabel(String key, String value) {
    return new AggregationRule(List.of(LabelSelector.matchLabels(Map.of(key, value))));
  }

  /** Whether a ClusterRole with these labels is aggregated into the role carrying this rule. */
  public boolean selects(Map<String, String> labels) {
    for (LabelSelector s : clusterRoleSelectors) {
      if (s.matches(labels)) {
        return true;
      }
    }
    return false;
  }
}
