package dev.keelson.admission.webhook;

import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.admission.cel.CelActivation;
import dev.keelson.admission.cel.MatchConditions;
import dev.keelson.admission.match.MatchResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a webhook is called for a request, as Kubernetes' ShouldCallHook followed by
 * its matchConditions: {@link MatchResources} first (never the admission configuration
 * objects; rules, namespaceSelector, objectSelector), with Namespaces read through the
 * {@link ObjectReader} (a missing one refuses the request with 404, as Kubernetes); then the
 * matchConditions ({@link MatchConditions}).
 *
 * <p>Match conditions: one that is false skips the webhook, whatever the others do. Otherwise,
 * if one could not be evaluated (or did not compile), failurePolicy decides: Ignore skips the
 * webhook, Fail refuses the request (403).
 */
final class Matching {
  private static final Logger LOG = LoggerFactory.getLogger(Matching.class);

  private final String nodeId;
  private final ObjectReader reader;
  private final AdmissionCel cel;

  Matching(String nodeId, ObjectReader reader, AdmissionCel cel) {
    this.nodeId = nodeId;
    this.reader = reader;
    this.cel = cel;
  }

  /** Whether {@code w} is called for {@code r}; throws {@link AdmissionException} to refuse. */
  boolean shouldCall(Webhook w, AdmissionRequest r) {
    try {
      if (!w.match().matches(r, name -> reader.get("", "namespaces", "", name))) {
        return false;
      }
    } catch (MatchResources.MatchException e) {
      throw new AdmissionException(404, "NotFound", e.getMessage());
    }
    return conditionsMatch(w, r);
  }

  private boolean conditionsMatch(Webhook w, AdmissionRequest r) {
    if (w.conditions().isEmpty()) {
      return true;
    }
    // a fresh activation per webhook: a mutating webhook before this one may have changed
    // the object
    MatchConditions.Result result = w.conditions().evaluate(
        CelActivation.of(r, cel.limits().costBudget()));
    if (!(result instanceof MatchConditions.Result.Error error)) {
      return result instanceof MatchConditions.Result.Match;
    }
    if (w.failOpen()) {
      LOG.warn("[{}] match conditions of webhook {} failed, failing open: {}", nodeId, w.name(),
          error.message());
      return false;
    }
    LOG.warn("[{}] match conditions of webhook {} failed, failing closed: {}", nodeId, w.name(),
        error.message());
    throw AdmissionException.forbidden(r, "failed evaluating match conditions of webhook \""
        + w.name() + "\": " + error.message());
  }
}
