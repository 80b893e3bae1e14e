package dev.keelson.admission;

/** A plugin that may change an object before it is validated and stored. */
public interface MutatingAdmission {
  /** Changes {@code r.object()} in place, or refuses with {@link AdmissionException}. */
  void admit(AdmissionRequest r);
}
