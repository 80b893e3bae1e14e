package dev.keelson.admission.plugins;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.MutatingAdmission;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.ValidatingAdmission;
import java.time.Duration;

/**
 * Kubernetes' ServiceAccount plugin for pods: a pod that names no service account runs as
 * {@code default}, and a pod whose service account does not exist is refused. The
 * {@code default} account of a new namespace is created by a controller a moment after the
 * namespace; a pod created in that moment waits for it, up to {@link #DEFAULT_ACCOUNT_WAIT}.
 * (Token volumes are not mounted: pods do not run here.)
 */
public final class ServiceAccountAdmission implements MutatingAdmission, ValidatingAdmission {
  public static final String DEFAULT = "default";
  static final Duration DEFAULT_ACCOUNT_WAIT = Duration.ofSeconds(5);
  private static final long POLL_MS = 50;

  private final ObjectReader reader;

  public ServiceAccountAdmission(ObjectReader reader) {
    this.reader = reader;
  }

  private static boolean isPodCreate(AdmissionRequest r) {
    return r.operation() == Operation.CREATE && r.group().isEmpty()
        && r.resource().equals("pods") && r.subresource().isEmpty() && r.object() != null;
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!isPodCreate(r)) {
      return;
    }
    ObjectNode spec = r.object().withObjectProperty("spec");
    if (spec.path("serviceAccountName").asText("").isEmpty()) {
      spec.put("serviceAccountName", DEFAULT);
    }
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (!isPodCreate(r)) {
      return;
    }
    String account = r.object().path("spec").path("serviceAccountName").asText(DEFAULT);
    if (exists(r.namespace(), account)) {
      return;
    }
    if (account.equals(DEFAULT)) {
      long deadline = System.nanoTime() + DEFAULT_ACCOUNT_WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (exists(r.namespace(), account)) {
          return;
        }
      }
    }
    throw AdmissionException.forbidden(r, "error looking up service account " + r.namespace()
        + "/" + account + ": serviceaccount \"" + account + "\" not found");
  }

  private boolean exists(String namespace, String account) {
    return reader.get("", "serviceaccounts", namespace, account).isPresent();
  }
}
