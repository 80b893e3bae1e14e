package dev.keelson.bench.rest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the measured requests of a REST run did, as the gRPC workloads' {@code Stats}: latencies
 * of the successful ones (microseconds, 3 significant digits), failures by {@link Outcome}
 * code, and when the last one ended. Recorded concurrently from the HTTP client's threads.
 */
final class HttpStats {
  private final Recorder latencyMicros = new Recorder(3);
  private final LongAdder ok = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong lastEndNanos = new AtomicLong(Long.MIN_VALUE);
  private Histogram histogram;

  /** A request due at {@code startNanos} that ended at {@code endNanos} as {@code outcome}. */
  void record(Outcome outcome, long startNanos, long endNanos) {
    if (outcome.ok()) {
      latencyMicros.recordValue(Math.max(0, (endNanos - startNanos) / 1000));
      ok.increment();
    } else {
      errors.computeIfAbsent(outcome.error(), c -> new LongAdder()).increment();
    }
    lastEndNanos.accumulateAndGet(endNanos, (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
  }

  long ok() {
    return ok.sum();
  }

  long errors() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The failures by code, codes sorted; only codes that happened are listed. */
  Map<String, Long> errorsByCode() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((c, n) -> out.put(c, n.sum()));
    return out;
  }

  /** When the last measured request ended, or {@code Long.MIN_VALUE} if none did. */
  long lastEndNanos() {
    return lastEndNanos.get();
  }

  /** Seconds from {@code startNanos} to the last measured request's end; 0 if none ended. */
  double secondsSince(long startNanos) {
    long end = lastEndNanos.get();
    return end == Long.MIN_VALUE ? 0 : Math.max(0, end - startNanos) / 1e9;
  }

  /** The latencies recorded; the first call ends the recording. */
  synchronized Histogram latencies() {
    if (histogram == null) {
      histogram = latencyMicros.getIntervalHistogram();
    }
    return histogram;
  }
}
