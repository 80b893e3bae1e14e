package dev.keelson.bench.watch;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for conditions the benchmark waits on. */
final class Waits {
  private Waits() {}

  /**
   * Polls {@code done} every millisecond until it holds; fails with {@code what} and the
   * current {@code state} after {@code timeout}, or at once if {@code broken} returns a reason.
   */
  static void until(String what, Duration timeout, BooleanSupplier done,
      Supplier<String> broken, Supplier<String> state) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      String why = broken.get();
      if (why != null) {
        throw new IllegalStateException(what + ": " + why + " (" + state.get() + ")");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for "
            + what + " (" + state.get() + ")");
      }
      Thread.sleep(1);
    }
  }
}
