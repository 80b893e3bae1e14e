package dev.keelson.admission.webhook;

import dev.keelson.admission.AdmissionRequest;

/** One compiled {@code matchConditions} expression of a webhook. Safe to share between threads. */
public interface MatchCondition {
  /**
   * Whether the request matches. Throws a {@link RuntimeException} when the expression cannot
   * be evaluated for this request (a missing field, a type error): the webhook's
   * {@code failurePolicy} then decides.
   */
  boolean matches(AdmissionRequest r);
}
