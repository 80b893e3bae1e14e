package dev.keelson.bench.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The measured writes of a watch run that succeeded: the resourceVersion each reply carried,
 * with when the write was sent and when its reply arrived. Every watcher must receive exactly
 * these. Thread-safe.
 */
final class Writes {
  private final List<Write> writes = new ArrayList<>();

  /** One successful write. */
  record Write(long resourceVersion, long sentNanos, long repliedNanos) {
    Write {
      if (resourceVersion < 1) {
        throw new IllegalArgumentException("a write's reply must carry its resourceVersion");
      }
    }
  }

  synchronized void add(Write w) {
    writes.add(w);
  }

  synchronized int size() {
    return writes.size();
  }

  /** The writes by resourceVersion; fails if two carried the same one. */
  synchronized Write[] sorted() {
    Write[] out = writes.toArray(new Write[0]);
    Arrays.sort(out, Comparator.comparingLong(Write::resourceVersion));
    for (int i = 1; i < out.length; i++) {
      if (out[i].resourceVersion() == out[i - 1].resourceVersion()) {
        throw new IllegalStateException("two writes replied with resourceVersion "
            + out[i].resourceVersion());
      }
    }
    return out;
  }
}
