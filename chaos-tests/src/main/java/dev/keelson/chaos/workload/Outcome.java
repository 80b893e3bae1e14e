package dev.keelson.chaos.workload;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;

/**
 * How a failed request ended, for the history: {@code fail} only when it certainly did not take
 * effect, {@code info} when it may have.
 */
final class Outcome {
  private Outcome() {}

  /**
   * Whether the request certainly never reached a server: the connection was refused, or the
   * server refused it as invalid before it could be proposed.
   */
  static boolean certainlyNotApplied(Throwable t) {
    Status s = Status.fromThrowable(t);
    if (s.getCode() == Status.Code.INVALID_ARGUMENT
        || s.getCode() == Status.Code.FAILED_PRECONDITION
        || s.getCode() == Status.Code.OUT_OF_RANGE) {
      return true;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** A short text for the history. */
  static String describe(Throwable t) {
    if (t instanceof StatusRuntimeException e) {
      Status s = e.getStatus();
      return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
