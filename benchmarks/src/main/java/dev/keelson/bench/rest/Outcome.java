package dev.keelson.bench.rest;

import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How one REST request ended: ok, or failed with an error code: the HTTP status
 * ({@code "409"}), {@code "timeout"}, {@code "io:<exception>"} when no response came, or a
 * workload's own check ({@code "wrong-count"}).
 *
 * @param error null when the request succeeded
 */
record Outcome(String error) {
  static final Outcome OK = new Outcome(null);

  boolean ok() {
    return error == null;
  }

  /** A failure under {@code code}. */
  static Outcome failed(String code) {
    if (code == null || code.isEmpty()) {
      throw new IllegalArgumentException("a failure needs a code");
    }
    return new Outcome(code);
  }

  /** OK for {@code expected}, else a failure under the status code. */
  static Outcome status(int status, int expected) {
    return status == expected ? OK : failed(Integer.toString(status));
  }

  /** A request that got no response (the wrappers of async stages unwrapped). */
  static Outcome of(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof HttpTimeoutException) {
      return failed("timeout");
    }
    return failed("io:" + c.getClass().getSimpleName());
  }
}
