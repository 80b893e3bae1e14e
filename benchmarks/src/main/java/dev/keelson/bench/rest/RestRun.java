package dev.keelson.bench.rest;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** What the REST commands share to run: the timer thread of their closed loops, a run id. */
final class RestRun {
  private RestRun() {}

  /** A daemon timer thread for {@link RestLoop}. */
  static ScheduledExecutorService timer(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** A short id, unique enough between runs, that names may carry (lowercase, digits). */
  static String runId() {
    return Long.toString(System.currentTimeMillis(), 36);
  }
}
