package dev.keelson.admission.webhook;

import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;

/** The refusals of webhook admission, worded as kube-apiserver 1.32 words them. */
final class Failures {
  private Failures() {}

  /**
   * A webhook said no. Its {@code status.code} is kept if it is an error code (400..599), else
   * 403 (kube-apiserver 1.32 keeps any code, so a denial without one is answered 500; 1.33
   * answers 403). Its {@code status.reason} is kept, else the one Kubernetes gives the code.
   */
  static AdmissionException denied(String webhook, int code, String reason, String message) {
    String deniedBy = "admission webhook \"" + webhook + "\" denied the request";
    String text = !message.isEmpty() ? deniedBy + ": " + message
        : !reason.isEmpty() ? deniedBy + ": " + reason
        : deniedBy + " without explanation";
    int status = code >= 400 && code <= 599 ? code : 403;
    return new AdmissionException(status, reason.isEmpty() ? reasonFor(status) : reason, text);
  }

  /** Kubernetes' StatusReason for an HTTP code, "" (Unknown) if it has none. */
  private static String reasonFor(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 406 -> "NotAcceptable";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 413 -> "RequestEntityTooLarge";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> "";
    };
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
}
