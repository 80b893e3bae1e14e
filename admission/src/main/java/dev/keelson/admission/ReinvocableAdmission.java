package dev.keelson.admission;

/**
 * A mutating plugin that takes part in reinvocation (see {@link Reinvocation}): admission
 * webhooks, whose {@code reinvocationPolicy: IfNeeded} asks to see the changes later plugins
 * make. Plain {@link MutatingAdmission} plugins are simply run again in the second round, so
 * they must be idempotent, as Kubernetes' built-in plugins are.
 */
public interface ReinvocableAdmission extends MutatingAdmission {
  /** As {@link MutatingAdmission#admit}, in the given round of this request. */
  void admit(AdmissionRequest r, Reinvocation reinvocation);

  /** A request admitted on its own, outside a chain: one round only. */
  @Override
  default void admit(AdmissionRequest r) {
    admit(r, new Reinvocation());
  }
}
