package dev.keelson.api.registry;

import java.util.List;

/**
 * A request the API refuses, as Kubernetes reports it: HTTP code, reason, message and details.
 * The HTTP layer turns it into a {@code Status} object in one place.
 */
public final class ApiException extends RuntimeException {
  /** One field-level problem of an Invalid object. */
  public record Cause(String reason, String message, String field) {}

  private final int code;
  private final String reason;
  private final String group;
  private final String kind;
  private final String name;
  private final List<Cause> causes;
  private final int retryAfterSeconds;

  public ApiException(int code, String reason, String message, String group, String kind,
      String name, List<Cause> causes, int retryAfterSeconds) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.causes = List.copyOf(causes);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null, null, null, List.of(), 0);
  }

  public static ApiException notFound(ResourceType t, String name) {
    return new ApiException(404, "NotFound",
        t.qualifiedResource() + " \"" + name + "\" not found", t.group(), t.resource(), name,
        List.of(), 0);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "NotFound", message, null, null, null, List.of(), 0);
  }

  public static ApiException alreadyExists(ResourceType t, String name) {
    return new ApiException(409, "AlreadyExists",
        t.qualifiedResource() + " \"" + name + "\" already exists", t.group(), t.resource(), name,
        List.of(), 0);
  }

  /** Kubernetes' optimistic-concurrency refusal, word for word. */
  public static ApiException conflict(ResourceType t, String name) {
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on "
        + t.qualifiedResource() + " \"" + name + "\": the object has been modified; please "
        + "apply your changes to the latest version and try again", t.group(), t.resource(),
        name, List.of(), 0);
  }

  public static ApiException conflict(ResourceType t, String name, String why) {
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on "
        + t.qualifiedResource() + " \"" + name + "\": " + why, t.group(), t.resource(), name,
        List.of(), 0);
  }

  /** 422 with one cause per problem; the message lists them as Kubernetes does. */
  public static ApiException invalid(ResourceType t, String kind, String name,
      List<Cause> causes) {
    StringBuilder m = new StringBuilder(kind).append(" \"").append(name == null ? "" : name)
        .append("\" is invalid: ");
    if (causes.size() == 1) {
      m.append(causes.get(0).field()).append(": ").append(causes.get(0).message());
    } else {
      m.append('[');
      for (int i = 0; i < causes.size(); i++) {
        m.append(i == 0 ? "" : ", ").append(causes.get(i).field()).append(": ")
            .append(causes.get(i).message());
      }
      m.append(']');
    }
    return new ApiException(422, "Invalid", m.toString(), t == null ? null : t.group(), kind,
        name, causes, 0);
  }

  public static ApiException gone(String message) {
    return new ApiException(410, "Expired", message, null, null, null, List.of(), 0);
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message, null, null, null, List.of(), 0);
  }

  public static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "UnsupportedMediaType", message, null, null, null, List.of(), 0);
  }

  public static ApiException notAcceptable(String message) {
    return new ApiException(406, "NotAcceptable", message, null, null, null, List.of(), 0);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "RequestEntityTooLarge", message, null, null, null, List.of(),
        0);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "ServiceUnavailable", message, null, null, null, List.of(), 1);
  }

  public static ApiException timeout(String message) {
    return new ApiException(504, "Timeout", message, null, null, null, List.of(), 1);
  }

  public static ApiException forbidden(ResourceType t, String name, String why) {
    return new ApiException(403, "Forbidden", t.qualifiedResource() + " \"" + name
        + "\" is forbidden: " + why, t.group(), t.resource(), name, List.of(), 0);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public String group() {
    return group;
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  public List<Cause> causes() {
    return causes;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
