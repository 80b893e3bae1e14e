package dev.keelson.admission;

import com.fasterxml.jackson.databind.JsonNode;

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

  /** 403 with {@link #forbiddenMessage}. */
  public static AdmissionException forbidden(AdmissionRequest r, String why) {
    return forbidden(forbiddenMessage(r, why));
  }

  /**
   * Kubernetes' admission refusal text ({@code admission.NewForbidden}):
   * {@code <resource>[.<group>] "<name>" is forbidden: <why>}, the name being the request's,
   * else the object's name or generateName, else "Unknown".
   */
  public static String forbiddenMessage(AdmissionRequest r, String why) {
    String resource = r.group().isEmpty() ? r.resource() : r.resource() + "." + r.group();
    return resource + " \"" + name(r) + "\" is forbidden: " + why;
  }

  private static String name(AdmissionRequest r) {
    if (r.name() != null && !r.name().isEmpty()) {
      return r.name();
    }
    JsonNode metadata = r.object() == null ? null : r.object().path("metadata");
    if (metadata != null && !metadata.path("name").asText("").isEmpty()) {
      return metadata.path("name").asText();
    }
    if (metadata != null && !metadata.path("generateName").asText("").isEmpty()) {
      return metadata.path("generateName").asText();
    }
    return "Unknown";
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
