package dev.keelson.chaos.workload;

import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import dev.keelson.chaos.watch.RestEvents;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;

/**
 * How a Kubernetes API call of the rest workload ends in the register history: a pure mapping
 * from the answer (or its absence) to the completion line, so that tests can replay answers.
 *
 * <ul>
 *   <li>A read (quorum GET): 200 is {@code ok} with the object's {@code data.v}; a 404 for that
 *       very object is {@code ok} with nothing (absent); anything else is {@code fail} (a read
 *       changes nothing, so whatever happened to it did not happen).
 *   <li>A conditional write (POST create, PUT or DELETE with a resourceVersion precondition):
 *       2xx is {@code ok}; 4xx is {@code fail}, certainly not applied (409 Conflict: the object
 *       is no longer at that resourceVersion; 409 AlreadyExists; 404; 400, 422: refused before
 *       it was proposed); 5xx is {@code info}, unknown (503 or 504 may come after the write was
 *       proposed, and it may still commit).
 *   <li>No answer: {@code fail} if the request never left (connection refused, connect timeout),
 *       else {@code info} (a timeout or a reset after sending).
 * </ul>
 */
final class RestOutcome {
  private RestOutcome() {}

  /**
   * What the completion line of a call says, and the HTTP status it came with (0: no answer).
   */
  record Completion(Op.Type type, Long value, Long revision, String error, int status) {
    /** Whether the master answered (anything but a server error): no reason to leave it. */
    boolean masterAnswered() {
      return status > 0 && status < 500;
    }
  }

  /**
   * Records the completion of {@code f} ({@code read} or {@code cas}, as invoked with
   * {@code value} and {@code expected}): a read's value is the one read; an ok cas held.
   */
  static Op complete(Recorder h, int p, String f, String key, Long value, Long expected,
      Completion c) {
    boolean read = "read".equals(f);
    return h.record(p, c.type(), f, key, read ? c.value() : value, read ? null : expected,
        !read && c.type() == Op.Type.OK ? Boolean.TRUE : null, null, c.revision(), c.error());
  }

  static Completion read(String name, RestClient.Reply r) {
    if (r.status() == 200) {
      String v = RestEvents.value(r.body());
      return new Completion(Op.Type.OK, v == null ? null : number(v), resourceVersion(r), null,
          r.status());
    }
    if (r.status() == 404 && "NotFound".equals(r.body().path("reason").asText())
        && name.equals(r.body().path("details").path("name").asText())) {
      return new Completion(Op.Type.OK, null, null, null, r.status());
    }
    return new Completion(Op.Type.FAIL, null, null, r.describe(), r.status());
  }

  /** A register value; one that is not a number as -1, which nobody writes (a phantom read). */
  private static long number(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A write's answer; an ok one carries the resourceVersion it made. */
  static Completion write(RestClient.Reply r) {
    if (r.status() >= 200 && r.status() < 300) {
      return new Completion(Op.Type.OK, null, resourceVersion(r), null, r.status());
    }
    return new Completion(r.status() >= 400 && r.status() < 500 ? Op.Type.FAIL : Op.Type.INFO,
        null, null, r.describe(), r.status());
  }

  /** A call that got no answer ({@code read}: it was a read). */
  static Completion noAnswer(boolean read, Throwable t) {
    return new Completion(read || neverSent(t) ? Op.Type.FAIL : Op.Type.INFO, null, null,
        t.getClass().getSimpleName() + ": " + t.getMessage(), 0);
  }

  /** The answer's object's resourceVersion, or null when it has none (a Status). */
  static Long resourceVersion(RestClient.Reply r) {
    try {
      return RestEvents.resourceVersion(r.body());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether the request certainly never reached a master: no connection was made. */
  static boolean neverSent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
