package dev.keelson.auth.rbac;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules RBAC holds for a user in a namespace (or cluster-wide), split as a
 * SelfSubjectRulesReview reports them: rules on resources, and rules on non-resource URLs.
 */
public record UserRules(List<PolicyRule> resourceRules, List<PolicyRule> nonResourceRules) {

  public UserRules {
    resourceRules = List.copyOf(resourceRules);
    nonResourceRules = List.copyOf(nonResourceRules);
  }

  /** Both lists, resource rules first: the "owner rules" of an escalation check. */
  public List<PolicyRule> all() {
    List<PolicyRule> all = new ArrayList<>(resourceRules);
    all.addAll(nonResourceRules);
    return all;
  }
}
