package dev.keelson.admission.webhook;

import dev.keelson.auth.rbac.LabelSelector;
import java.time.Duration;
import java.util.List;

/**
 * One webhook of a Mutating- or ValidatingWebhookConfiguration, parsed and defaulted (see
 * {@link WebhookConfigs}). {@code uid} names it uniquely within its kind of configuration
 * (configuration name and position), as Kubernetes tracks webhooks for reinvocation.
 */
record Webhook(String uid, String configuration, String name, ClientConfig client,
    List<Rule> rules, boolean failOpen, boolean equivalentMatch, LabelSelector namespaceSelector,
    LabelSelector objectSelector, boolean safeOnDryRun, Duration timeout,
    boolean reinvokeIfNeeded, List<NamedCondition> conditions) {
  /** One {@code matchConditions} entry, compiled. */
  record NamedCondition(String name, MatchCondition condition) {
  }

  Webhook {
    rules = List.copyOf(rules);
    conditions = List.copyOf(conditions);
  }
}
