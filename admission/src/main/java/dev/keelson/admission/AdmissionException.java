package dev.keelson.admission;

/**
 * A request admission refuses. {@code code} is the HTTP status (403 Forbidden unless a plugin
 * says otherwise, as kube-apiserver's admission errors); the message names the plugin.
 */
public final class AdmissionException extends RuntimeException {
  private final int code;
  private final String reason;

  public AdmissionException(int code, String reason, String message) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  public static AdmissionException forbidden(String message) {
    return new AdmissionException(403, "Forbidden", message);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
