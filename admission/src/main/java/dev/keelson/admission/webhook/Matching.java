package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.ObjectReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a webhook is called for a request, as Kubernetes' ShouldCallHook: never for
 * the admission configuration objects; else its rules, then its objectSelector (labels of the
 * object or of the old object), then its namespaceSelector, then its matchConditions must all
 * match.
 *
 * <p>The namespaceSelector is matched against the labels of the request's Namespace, read
 * through the {@link ObjectReader} (404 if it does not exist, as Kubernetes); a Namespace
 * object's own labels are used for a create or update of it; requests on other cluster-scoped
 * objects always match.
 *
 * <p>Match conditions: one that is false skips the webhook, whatever the others do. Otherwise,
 * if one could not be evaluated, failurePolicy decides: Ignore skips the webhook, Fail refuses
 * the request (403).
 */
final class Matching {
  private static final Logger LOG = LoggerFactory.getLogger(Matching.class);

  private final String nodeId;
  private final ObjectReader reader;

  Matching(String nodeId, ObjectReader reader) {
    this.nodeId = nodeId;
    this.reader = reader;
  }

  /** Whether {@code w} is called for {@code r}; throws {@link AdmissionException} to refuse. */
  boolean shouldCall(Webhook w, AdmissionRequest r) {
    if (Requests.isExempt(r) || !rulesMatch(w, r)) {
      return false;
    }
    if (!w.objectSelector().matches(Requests.labels(r.object()))
        && !w.objectSelector().matches(Requests.labels(r.oldObject()))) {
      return false;
    }
    if (!namespaceMatches(w, r)) {
      return false;
    }
    return conditionsMatch(w, r);
  }

  private static boolean rulesMatch(Webhook w, AdmissionRequest r) {
    for (Rule rule : w.rules()) {
      if (rule.matches(r, false)) {
        return true;
      }
    }
    if (w.equivalentMatch()) {
      for (Rule rule : w.rules()) {
        if (rule.matches(r, true)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean namespaceMatches(Webhook w, AdmissionRequest r) {
    if (w.namespaceSelector().matchLabels().isEmpty()
        && w.namespaceSelector().matchExpressions().isEmpty()) {
      return true;
    }
    boolean namespace = Requests.isNamespace(r);
    if (!namespace && r.namespace().isEmpty()) {
      return true;
    }
    return w.namespaceSelector().matches(namespaceLabels(r, namespace));
  }

  private Map<String, String> namespaceLabels(AdmissionRequest r, boolean namespace) {
    if (namespace && r.subresource().isEmpty() && r.object() != null
        && (r.operation() == Operation.CREATE || r.operation() == Operation.UPDATE)) {
      return Requests.labels(r.object());
    }
    if (namespace && r.oldObject() != null) {
      return Requests.labels(r.oldObject());
    }
    String name = namespace ? r.name() : r.namespace();
    Optional<ObjectNode> ns = reader.get("", "namespaces", "", name);
    if (ns.isEmpty()) {
      throw new AdmissionException(404, "NotFound", "namespaces \"" + name + "\" not found");
    }
    return Requests.labels(ns.get());
  }

  private boolean conditionsMatch(Webhook w, AdmissionRequest r) {
    List<String> errors = new ArrayList<>();
    for (Webhook.NamedCondition c : w.conditions()) {
      try {
        if (!c.condition().matches(r)) {
          return false;
        }
      } catch (RuntimeException e) {
        errors.add("expression '" + c.name() + "' resulted in error: " + e.getMessage());
      }
    }
    if (errors.isEmpty()) {
      return true;
    }
    if (w.failOpen()) {
      LOG.warn("[{}] match conditions of webhook {} failed, failing open: {}", nodeId, w.name(),
          errors);
      return false;
    }
    LOG.warn("[{}] match conditions of webhook {} failed, failing closed: {}", nodeId, w.name(),
        errors);
    throw AdmissionException.forbidden(Failures.forbiddenPrefix(r)
        + "failed evaluating match conditions of webhook \"" + w.name() + "\": "
        + String.join(", ", errors));
  }
}
