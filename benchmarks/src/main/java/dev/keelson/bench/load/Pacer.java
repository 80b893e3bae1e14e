package dev.keelson.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The schedule of a run, shared by all its clients: a warm-up, then either {@code total}
 * measured operations or {@code duration} of them, at most {@code rate} per second.
 *
 * <p>With a rate the schedule is fixed in advance (open loop): operation n is due at
 * {@code start + n / rate}, the first {@code ceil(warmup * rate)} are the warm-up, and a client
 * that takes a ticket late still has its latency counted from the due time, so a slow server
 * cannot make the clients send less and look fast (coordinated omission). Without a rate a
 * ticket is due when it is taken, and the warm-up ends at {@code start + warmup}.
 *
 * <p>A duration run also stops taking tickets once the measured time is over, even if a rate
 * schedule is behind. Thread-safe: {@link #next} is called by every client.
 */
public final class Pacer {
  private final double rate;
  private final long warmupNanos;
  private final long total;
  private final long durationNanos;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong measuredIssued = new AtomicLong();
  private volatile long start;
  private volatile boolean started;

  /**
   * @param rate operations per second, 0 for no limit
   * @param total measured operations, 0 for a duration run
   * @param durationNanos length of the measured part of a duration run (ignored with a total)
   */
  public Pacer(double rate, long warmupNanos, long total, long durationNanos) {
    if (rate < 0 || warmupNanos < 0 || total < 0 || durationNanos < 0) {
      throw new IllegalArgumentException("negative rate, warm-up, total or duration");
    }
    if (total == 0 && durationNanos == 0) {
      throw new IllegalArgumentException("need a total or a duration");
    }
    this.rate = rate;
    this.warmupNanos = warmupNanos;
    this.total = total;
    this.durationNanos = durationNanos;
  }

  /** Starts the schedule at {@code nowNanos}; {@link #next} may be called from then on. */
  public void start(long nowNanos) {
    start = nowNanos;
    started = true;
  }

  long startNanos() {
    return start;
  }

  /** Operations the warm-up has when there is a rate: those due before its end. */
  long warmupOperations() {
    return rate == 0 ? 0 : (long) Math.ceil(warmupNanos * rate / 1e9);
  }

  /** When the measured part starts: the due time of the first measured operation. */
  public long measureStartNanos() {
    return rate == 0 ? start + warmupNanos : start + offsetNanos(warmupOperations());
  }

  /** When operation {@code n} is due, relative to the start (with a rate). */
  long offsetNanos(long n) {
    return (long) (n * 1e9 / rate);
  }

  /** The next operation, or null once the run has no more for anybody. */
  public Ticket next(long nowNanos) {
    if (!started) {
      throw new IllegalStateException("not started");
    }
    long measureEnd = measureStartNanos() + durationNanos;
    if (total == 0 && nowNanos - measureEnd >= 0) {
      return null;
    }
    long n = issued.getAndIncrement();
    if (rate > 0) {
      long due = start + offsetNanos(n);
      boolean measured = n >= warmupOperations();
      if (total > 0 ? n >= warmupOperations() + total : due - measureEnd >= 0) {
        return null;
      }
      return new Ticket(n, due, measured);
    }
    boolean measured = nowNanos - measureStartNanos() >= 0;
    if (measured && total > 0 && measuredIssued.getAndIncrement() >= total) {
      return null;
    }
    return new Ticket(n, nowNanos, measured);
  }
}
