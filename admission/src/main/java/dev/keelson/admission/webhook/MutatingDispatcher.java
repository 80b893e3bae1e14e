package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.Reinvocation;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the mutating webhooks one after another, each seeing the object as the previous ones
 * left it, as kube-apiserver's mutating dispatcher.
 *
 * <p>Reinvocation: a webhook whose patch changes the object asks the chain for a second round
 * and marks every IfNeeded webhook called before it (since the last marking) for it. In the
 * second round, if the object changed since the webhooks last ran (plugins changed it), every
 * IfNeeded webhook called so far is marked too; then only marked webhooks that still match are
 * called. Both rounds of a request use the webhooks of the first round, whatever
 * {@link Webhooks#update} does between them.
 */
final class MutatingDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(MutatingDispatcher.class);

  /** What one request's rounds share. */
  private static final class State {
    final List<Webhook> webhooks;
    /** The object as the webhooks left it in the last round. */
    ObjectNode lastOutput;
    /** IfNeeded webhooks called since the last marking. */
    final Set<String> invokedIfNeeded = new HashSet<>();
    /** Webhooks marked for the second round. */
    final Set<String> reinvoke = new HashSet<>();

    State(List<Webhook> webhooks) {
      this.webhooks = webhooks;
    }

    void markForReinvocation() {
      reinvoke.addAll(invokedIfNeeded);
      invokedIfNeeded.clear();
    }
  }

  private final String nodeId;
  private final Matching matching;
  private final Caller caller;

  MutatingDispatcher(String nodeId, Matching matching, Caller caller) {
    this.nodeId = nodeId;
    this.matching = matching;
    this.caller = caller;
  }

  /** Runs {@code webhooks} (this round's, if it is the first) on {@code r}. */
  void admit(List<Webhook> webhooks, AdmissionRequest r, Reinvocation reinvocation) {
    State s = reinvocation.state(this, () -> new State(webhooks));
    if (reinvocation.isReinvocation() && !Objects.equals(s.lastOutput, r.object())) {
      s.markForReinvocation();
    }
    try {
      for (Webhook w : s.webhooks) {
        if (!matching.shouldCall(w, r)
            || reinvocation.isReinvocation() && !s.reinvoke.contains(w.uid())) {
          continue;
        }
        if (call(w, r)) {
          s.markForReinvocation();
          reinvocation.requestReinvocation();
        }
        if (w.reinvokeIfNeeded()) {
          s.invokedIfNeeded.add(w.uid());
        }
      }
    } finally {
      s.lastOutput = r.object() == null ? null : r.object().deepCopy();
    }
  }

  /** Calls {@code w}; returns whether its patch changed the object, or refuses. */
  private boolean call(Webhook w, AdmissionRequest r) {
    if (r.dryRun() && !w.safeOnDryRun()) {
      throw Failures.dryRunUnsupported(w.name());
    }
    try {
      Reviews.Reply reply = caller.start(w, r, true).await();
      reply.warnings().forEach(r.effects()::warn);
      if (!reply.allowed()) {
        LOG.debug("[{}] webhook {} denied {} {}/{}", nodeId, w.name(), r.operation(),
            r.resource(), r.name());
        throw Failures.denied(w.name(), reply.code(), reply.reason(), reply.message());
      }
      return reply.patch() != null && Patches.apply(w.name(), r.object(), reply.patch());
    } catch (CallFailure f) {
      return failed(w, f);
    }
  }

  private boolean failed(Webhook w, CallFailure f) throws AdmissionException {
    if (w.failOpen()) {
      LOG.warn("[{}] failed calling webhook {}, failing open: {}", nodeId, w.name(),
          f.getMessage());
      return false;
    }
    LOG.warn("[{}] failed calling webhook {}, failing closed: {}", nodeId, w.name(),
        f.getMessage());
    throw Failures.callFailed(w.name(), f.getMessage());
  }
}
