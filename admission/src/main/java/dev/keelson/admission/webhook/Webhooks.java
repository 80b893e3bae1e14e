package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.ReinvocableAdmission;
import dev.keelson.admission.Reinvocation;
import dev.keelson.admission.ValidatingAdmission;
import dev.keelson.admission.cel.AdmissionCel;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' dynamic admission webhooks (admissionregistration.k8s.io/v1
 * MutatingWebhookConfiguration and ValidatingWebhookConfiguration): the MutatingAdmissionWebhook
 * and ValidatingAdmissionWebhook plugins of one master, as one object.
 *
 * <p>Put it last among the chain's mutating plugins (kube-apiserver runs webhooks after its
 * built-in mutating plugins) and among its validating plugins. {@link #update} swaps in a new
 * set of configurations atomically: a request already being admitted finishes with the set it
 * started with. Until the first update there are no webhooks.
 *
 * <p>Calls go over HTTPS only (see {@link Caller}, {@link Clients}); what Kubernetes semantics
 * are kept and where this differs is described in each package-private class.
 */
public final class Webhooks implements ReinvocableAdmission, ValidatingAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

  /** Every configuration in force, parsed; replaced whole. */
  private record Snapshot(List<Webhook> mutating, List<Webhook> validating) {
  }

  private final String nodeId;
  private final WebhookConfigs configs;
  private final Clients clients = new Clients();
  private final MutatingDispatcher mutating;
  private final ValidatingDispatcher validating;
  private final AtomicReference<Snapshot> current =
      new AtomicReference<>(new Snapshot(List.of(), List.of()));

  /**
   * @param nodeId the master's id, for log lines
   * @param reader how Namespaces (for namespaceSelector), Services and Endpoints are read
   * @param cel the master's CEL environment (shared with ValidatingAdmissionPolicy), which
   *     compiles and bounds matchConditions
   */
  public Webhooks(String nodeId, ObjectReader reader, AdmissionCel cel) {
    this.nodeId = nodeId;
    this.configs = new WebhookConfigs(nodeId, Objects.requireNonNull(cel));
    Matching matching = new Matching(nodeId, reader, cel);
    Caller caller = new Caller(clients, new ServiceResolver(reader));
    this.mutating = new MutatingDispatcher(nodeId, matching, caller);
    this.validating = new ValidatingDispatcher(nodeId, matching, caller);
  }

  /**
   * Replaces every configuration with these (each the stored JSON object). Malformed
   * configurations and webhooks are skipped and logged. Safe to call from any thread.
   */
  public synchronized void update(List<ObjectNode> mutatingConfigs,
      List<ObjectNode> validatingConfigs) {
    Snapshot next = new Snapshot(configs.parse(mutatingConfigs, true),
        configs.parse(validatingConfigs, false));
    current.set(next);
    Set<Clients.Key> inUse = new HashSet<>();
    for (List<Webhook> list : List.of(next.mutating(), next.validating())) {
      list.forEach(w -> inUse.add(w.client().clientKey()));
    }
    clients.retain(inUse);
    LOG.info("[{}] admission webhooks: {} mutating, {} validating", nodeId,
        next.mutating().size(), next.validating().size());
  }

  @Override
  public void admit(AdmissionRequest r, Reinvocation reinvocation) {
    mutating.admit(current.get().mutating(), r, reinvocation);
  }

  @Override
  public void validate(AdmissionRequest r) {
    validating.validate(current.get().validating(), r);
  }
}
