package dev.keelson.admission.plugins;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.ValidatingAdmission;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' NamespaceLifecycle plugin: nothing is created in a namespace that does not exist
 * (404) or is being deleted (403), and the namespaces the system relies on cannot be deleted.
 */
public final class NamespaceLifecycle implements ValidatingAdmission {
  /** Namespaces that may not be deleted, as kube-apiserver's defaults. */
  public static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

  private final ObjectReader reader;

  public NamespaceLifecycle(ObjectReader reader) {
    this.reader = reader;
  }

  @Override
  public void validate(AdmissionRequest r) {
    boolean namespaces = r.group().isEmpty() && r.resource().equals("namespaces");
    if (namespaces && r.operation() == Operation.DELETE && IMMORTAL.contains(r.name())) {
      throw AdmissionException.forbidden(r, "this namespace may not be deleted");
    }
    if (r.operation() != Operation.CREATE || namespaces || r.namespace().isEmpty()) {
      return;
    }
    Optional<ObjectNode> ns = reader.get("", "namespaces", "", r.namespace());
    if (ns.isEmpty()) {
      throw new AdmissionException(404, "NotFound", "namespaces \"" + r.namespace()
          + "\" not found");
    }
    if (ns.get().path("metadata").has("deletionTimestamp")) {
      throw AdmissionException.forbidden(r, "unable to create new content in namespace "
          + r.namespace() + " because it is being terminated");
    }
  }
}
