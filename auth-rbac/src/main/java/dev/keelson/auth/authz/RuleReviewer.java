package dev.keelson.auth.authz;

import dev.keelson.auth.authn.UserInfo;
import java.util.List;

/** Lists what a user may do in a namespace, as a SelfSubjectRulesReview reports it. */
public interface RuleReviewer {
  record ResourceRule(List<String> verbs, List<String> apiGroups, List<String> resources,
      List<String> resourceNames) {}

  record NonResourceRule(List<String> verbs, List<String> nonResourceURLs) {}

  /**
   * @param incomplete whether the list may leave out rules (an authorizer that cannot list)
   */
  record Rules(List<ResourceRule> resourceRules, List<NonResourceRule> nonResourceRules,
      boolean incomplete, String evaluationError) {}

  Rules rulesFor(UserInfo user, String namespace);

  /** For authorizers that cannot list rules (everything allowed, nothing listed). */
  RuleReviewer NONE = (u, ns) -> new Rules(List.of(), List.of(), true, "");
}
