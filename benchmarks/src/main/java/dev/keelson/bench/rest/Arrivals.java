package dev.keelson.bench.rest;

import java.util.Arrays;

/**
 * The measured events one watcher received, in arrival order: each one's resourceVersion and
 * arrival time ({@link System#nanoTime} scale), in growing primitive arrays (16 bytes an
 * event; 3 million events over all watchers are 48 MB). Matched with the writes only after
 * the run, so the watchers share nothing while it lasts. Thread-safe.
 */
final class Arrivals {
  private long[] revisions = new long[64];
  private long[] nanos = new long[64];
  private int size;

  synchronized void add(long resourceVersion, long arrivedNanos) {
    if (size == revisions.length) {
      revisions = Arrays.copyOf(revisions, size * 2);
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    revisions[size] = resourceVersion;
    nanos[size] = arrivedNanos;
    size++;
  }

  synchronized int size() {
    return size;
  }

  /** A copy of what was received so far. */
  synchronized Snapshot snapshot() {
    return new Snapshot(Arrays.copyOf(revisions, size), Arrays.copyOf(nanos, size));
  }

  /** The events received, {@code revisions[i]} arrived at {@code nanos[i]}. */
  record Snapshot(long[] revisions, long[] nanos) {
    Snapshot {
      if (revisions.length != nanos.length) {
        throw new IllegalArgumentException("one arrival time per revision");
      }
    }
  }
}
