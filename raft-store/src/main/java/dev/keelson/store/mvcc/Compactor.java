package dev.keelson.store.mvcc;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs physical compaction off the apply thread, one revision at a time, in order. Logical
 * compaction (reads below the revision fail) takes effect at apply; this only frees space.
 */
final class Compactor implements AutoCloseable {
  private final MvccStore store;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "keelson-compactor");
    t.setDaemon(true);
    return t;
  });

  Compactor(MvccStore store) {
    this.store = store;
  }

  void schedule(long revision) {
    executor.execute(() -> store.compactPhysically(revision));
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
