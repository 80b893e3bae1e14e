package dev.keelson.admission.webhook;

import dev.keelson.admission.cel.MatchConditions;
import dev.keelson.admission.match.MatchResources;
import java.time.Duration;

/**
 * One webhook of a Mutating- or ValidatingWebhookConfiguration, parsed and defaulted (see
 * {@link WebhookConfigs}). {@code uid} names it uniquely within its kind of configuration
 * (configuration name and position), as Kubernetes tracks webhooks for reinvocation.
 * {@code match} is its rules, selectors and matchPolicy; {@code conditions} its compiled
 * matchConditions.
 */
record Webhook(String uid, String configuration, String name, ClientConfig client,
    MatchResources match, MatchConditions conditions, boolean failOpen, boolean safeOnDryRun,
    Duration timeout, boolean reinvokeIfNeeded) {
}
