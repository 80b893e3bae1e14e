package dev.keelson.admission.webhook;

import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the validating webhooks that match a request in parallel and waits for all of them,
 * as kube-apiserver's validating dispatcher. Any denial, or a failed call of a webhook whose
 * failurePolicy is Fail, refuses the request; when several do, the first in calling order is
 * reported (Kubernetes reports whichever finished first). A dry-run request that matches a
 * webhook with side effects is refused before any webhook is called.
 */
final class ValidatingDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ValidatingDispatcher.class);

  private final String nodeId;
  private final Matching matching;
  private final Caller caller;

  ValidatingDispatcher(String nodeId, Matching matching, Caller caller) {
    this.nodeId = nodeId;
    this.matching = matching;
    this.caller = caller;
  }

  void validate(List<Webhook> webhooks, AdmissionRequest r) {
    List<Webhook> called = new ArrayList<>();
    for (Webhook w : webhooks) {
      if (matching.shouldCall(w, r)) {
        if (r.dryRun() && !w.safeOnDryRun()) {
          throw Failures.dryRunUnsupported(w.name());
        }
        called.add(w);
      }
    }
    List<Caller.Pending> calls = new ArrayList<>();
    for (Webhook w : called) {
      calls.add(caller.start(w, r, false));
    }
    AdmissionException refusal = null;
    for (int i = 0; i < called.size(); i++) {
      Webhook w = called.get(i);
      AdmissionException e = outcome(w, calls.get(i), r);
      if (refusal == null) {
        refusal = e;
      }
    }
    if (refusal != null) {
      throw refusal;
    }
  }

  /** Waits for one call; returns its refusal, or null if it lets the request through. */
  private AdmissionException outcome(Webhook w, Caller.Pending call, AdmissionRequest r) {
    try {
      Reviews.Reply reply = call.await();
      reply.warnings().forEach(r.effects()::warn);
      if (reply.allowed()) {
        return null;
      }
      LOG.debug("[{}] webhook {} denied {} {}/{}", nodeId, w.name(), r.operation(),
          r.resource(), r.name());
      return Failures.denied(w.name(), reply.code(), reply.reason(), reply.message());
    } catch (CallFailure f) {
      LOG.warn("[{}] failed calling webhook {}, failing {}: {}", nodeId, w.name(),
          w.failOpen() ? "open" : "closed", f.getMessage());
      return w.failOpen() ? null : Failures.callFailed(w.name(), f.getMessage());
    }
  }
}
