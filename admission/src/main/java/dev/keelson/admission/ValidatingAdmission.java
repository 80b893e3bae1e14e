package dev.keelson.admission;

/** A plugin that may refuse a write after validation, and changes nothing. */
public interface ValidatingAdmission {
  /** Returns if the write may go on; refuses with {@link AdmissionException}. */
  void validate(AdmissionRequest r);
}
