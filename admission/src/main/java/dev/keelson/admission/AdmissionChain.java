package dev.keelson.admission;

import java.util.List;

/**
 * The admission chain of a master: every mutating plugin in order, then (after the object's
 * own validation, which the registry runs between the two) every validating plugin in order.
 * The first refusal ends the write. Reads are never admitted.
 *
 * <p>Reinvocation, as kube-apiserver's: when a {@link ReinvocableAdmission} plugin asks for it
 * during the mutating round (an admission webhook changed the object), every mutating plugin
 * runs once more, the reinvocable ones knowing it is the second round.
 */
public final class AdmissionChain {
  private final List<MutatingAdmission> mutating;
  private final List<ValidatingAdmission> validating;

  public AdmissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating) {
    this.mutating = List.copyOf(mutating);
    this.validating = List.copyOf(validating);
  }

  /** No plugins: everything is admitted (the default until the admission issue). */
  public static AdmissionChain empty() {
    return new AdmissionChain(List.of(), List.of());
  }

  public void mutate(AdmissionRequest r) {
    Reinvocation reinvocation = new Reinvocation();
    mutateOnce(r, reinvocation);
    if (reinvocation.shouldReinvoke()) {
      reinvocation.beginReinvocation();
      mutateOnce(r, reinvocation);
    }
  }

  private void mutateOnce(AdmissionRequest r, Reinvocation reinvocation) {
    for (MutatingAdmission m : mutating) {
      if (m instanceof ReinvocableAdmission reinvocable) {
        reinvocable.admit(r, reinvocation);
      } else {
        m.admit(r);
      }
    }
  }

  public void validate(AdmissionRequest r) {
    for (ValidatingAdmission v : validating) {
      v.validate(r);
    }
  }

  /**
   * Runs the {@link ChargingAdmission} plugins again, after the store refused the write because
   * an object their companion writes guard changed; the request's companions were cleared.
   */
  public void recharge(AdmissionRequest r) {
    for (ValidatingAdmission v : validating) {
      if (v instanceof ChargingAdmission) {
        v.validate(r);
      }
    }
  }
}
