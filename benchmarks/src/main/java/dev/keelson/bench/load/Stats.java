package dev.keelson.bench.load;

import io.grpc.Status;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the measured operations of a run did: latencies of the successful ones (microseconds,
 * 3 significant digits), failures by gRPC status code, and when the last one ended. Recorded
 * concurrently from the transport threads.
 */
final class Stats {
  private final Recorder latencyMicros = new Recorder(3);
  private final LongAdder ok = new LongAdder();
  private final Map<Status.Code, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong lastEndNanos = new AtomicLong(Long.MIN_VALUE);
  private Histogram histogram;

  /** A successful operation due at {@code startNanos} that ended at {@code endNanos}. */
  void ok(long startNanos, long endNanos) {
    latencyMicros.recordValue(Math.max(0, (endNanos - startNanos) / 1000));
    ok.increment();
    ended(endNanos);
  }

  void failed(Status.Code code, long endNanos) {
    errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    ended(endNanos);
  }

  private void ended(long endNanos) {
    lastEndNanos.accumulateAndGet(endNanos, (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
  }

  long ok() {
    return ok.sum();
  }

  long errors() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Every status code but OK, in the enum's order, with its count (zero if none). */
  Map<String, Long> errorsByCode() {
    Map<Status.Code, Long> byCode = new EnumMap<>(Status.Code.class);
    errors.forEach((c, n) -> byCode.put(c, n.sum()));
    Map<String, Long> out = new LinkedHashMap<>();
    for (Status.Code c : Status.Code.values()) {
      if (c != Status.Code.OK) {
        out.put(c.name(), byCode.getOrDefault(c, 0L));
      }
    }
    return out;
  }

  /** When the last measured operation ended, or {@code Long.MIN_VALUE} if none did. */
  long lastEndNanos() {
    return lastEndNanos.get();
  }

  /** The latencies recorded; the first call ends the recording. */
  synchronized Histogram latencies() {
    if (histogram == null) {
      histogram = latencyMicros.getIntervalHistogram();
    }
    return histogram;
  }
}
