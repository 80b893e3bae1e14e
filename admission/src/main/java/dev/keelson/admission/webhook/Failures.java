package dev.keelson.admission.webhook;

import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;

/** The refusals of webhook admission, worded as kube-apiserver 1.32 words them. */
final class Failures {
  private Failures() {}

  /**
   * A webhook said no. Its {@code status.code} is kept if it is an error code (400..599), else
   * 403; its {@code status.reason} is kept, else Forbidden (InternalError for 500).
   */
  static AdmissionException denied(String webhook, int code, String reason, String message) {
    String deniedBy = "admission webhook \"" + webhook + "\" denied the request";
    String text = !message.isEmpty() ? deniedBy + ": " + message
        : !reason.isEmpty() ? deniedBy + ": " + reason
        : deniedBy + " without explanation";
    int status = code >= 400 && code <= 599 ? code : 403;
    String why = !reason.isEmpty() ? reason : status == 500 ? "InternalError" : "Forbidden";
    return new AdmissionException(status, why, text);
  }

  /**
   * A webhook could not be called or answered nonsense, and its failurePolicy is Fail.
   * {@code detail} says what went wrong, e.g. "failed to call webhook: ...".
   */
  static AdmissionException callFailed(String webhook, String detail) {
    return internal("failed calling webhook \"" + webhook + "\": " + detail);
  }

  /** The API server's own failure while admitting (a patch that does not apply, say). */
  static AdmissionException internal(String message) {
    return new AdmissionException(500, "InternalError", "Internal error occurred: " + message);
  }

  /** A dry-run request met a webhook that may have side effects. */
  static AdmissionException dryRunUnsupported(String webhook) {
    return new AdmissionException(400, "BadRequest",
        "admission webhook \"" + webhook + "\" does not support dry run");
  }

  /** {@code <resource>[.<group>] "<name>" is forbidden: }, Kubernetes' Forbidden prefix. */
  static String forbiddenPrefix(AdmissionRequest r) {
    String resource = r.group().isEmpty() ? r.resource() : r.resource() + "." + r.group();
    return resource + " \"" + r.name() + "\" is forbidden: ";
  }
}
