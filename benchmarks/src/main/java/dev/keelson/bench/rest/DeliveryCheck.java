package dev.keelson.bench.rest;

import java.util.Arrays;
import java.util.BitSet;
import org.HdrHistogram.Histogram;

/**
 * The report math of a watch run: every watcher's {@link Arrivals} against the successful
 * measured {@link Writes}, matched by resourceVersion. Each watcher must receive each write's
 * event exactly once and in resourceVersion order; the latency of an event counts from its
 * write's reply (0, and counted as before-reply, when the event came first) and from its send.
 */
final class DeliveryCheck {
  private final Writes.Write[] writes;
  private final long[] revisions;
  private final Histogram fromReply = new Histogram(3);
  private final Histogram fromSend = new Histogram(3);
  private final BitSet seen = new BitSet();
  private int watchers;
  private long received;
  private long missing;
  private long duplicates;
  private long unexpected;
  private long outOfOrder;
  private long beforeReply;
  private long lastArrivalNanos = Long.MIN_VALUE;

  DeliveryCheck(Writes.Write[] sortedWrites) {
    this.writes = sortedWrites.clone();
    this.revisions = Arrays.stream(writes).mapToLong(Writes.Write::resourceVersion).toArray();
    for (int i = 1; i < revisions.length; i++) {
      if (revisions[i] <= revisions[i - 1]) {
        throw new IllegalArgumentException("writes must be sorted by distinct resourceVersion");
      }
    }
  }

  /** Adds one watcher's measured events. */
  void watcher(Arrivals.Snapshot a) {
    watchers++;
    seen.clear();
    long last = Long.MIN_VALUE;
    int matched = 0;
    for (int i = 0; i < a.revisions().length; i++) {
      long rv = a.revisions()[i];
      long arrived = a.nanos()[i];
      int w = Arrays.binarySearch(revisions, rv);
      if (w >= 0 && seen.get(w)) {
        duplicates++; // not also out of order
        continue;
      }
      if (rv <= last) {
        outOfOrder++;
      }
      last = Math.max(last, rv);
      if (w < 0) {
        unexpected++;
        continue;
      }
      seen.set(w);
      matched++;
      received++;
      if (lastArrivalNanos == Long.MIN_VALUE || arrived - lastArrivalNanos > 0) {
        lastArrivalNanos = arrived;
      }
      long afterReply = arrived - writes[w].repliedNanos();
      if (afterReply < 0) {
        beforeReply++;
      }
      fromReply.recordValue(Math.max(0, afterReply / 1000));
      fromSend.recordValue(Math.max(0, (arrived - writes[w].sentNanos()) / 1000));
    }
    missing += writes.length - matched;
  }

  /**
   * The totals.
   *
   * @param expected writes x watchers
   * @param received events of a successful write, once per watcher (duplicates not counted)
   * @param missing expected events no watcher received: lost
   * @param duplicates events a watcher received more than once
   * @param unexpected measured events of no successful write (a write that failed on the
   *     client, yet was applied): not the server's fault, reported only
   * @param outOfOrder events whose resourceVersion was not above the watcher's previous one
   *     (duplicates apart)
   * @param beforeReply events that arrived before their write's reply (latency 0)
   * @param lastArrivalNanos when the last received event arrived, Long.MIN_VALUE if none did
   * @param fromReplyMicros reply-to-arrival latencies, one per received event
   * @param fromSendMicros send-to-arrival latencies
   */
  record Result(int watchers, long writes, long expected, long received, long missing,
      long duplicates, long unexpected, long outOfOrder, long beforeReply, long lastArrivalNanos,
      Histogram fromReplyMicros, Histogram fromSendMicros) {

    /** Lost, duplicated and disordered events: each is a broken delivery guarantee. */
    long errors() {
      return missing + duplicates + outOfOrder;
    }

    /** Received events per second from {@code startNanos} to the last arrival. */
    double eventsPerSecond(long startNanos) {
      double s = seconds(startNanos);
      return s > 0 ? received / s : 0;
    }

    /** Seconds from {@code startNanos} to the last arrival; 0 if nothing arrived. */
    double seconds(long startNanos) {
      return lastArrivalNanos == Long.MIN_VALUE ? 0
          : Math.max(0, lastArrivalNanos - startNanos) / 1e9;
    }
  }

  Result result() {
    return new Result(watchers, writes.length, (long) writes.length * watchers, received,
        missing, duplicates, unexpected, outOfOrder, beforeReply, lastArrivalNanos,
        fromReply.copy(), fromSend.copy());
  }
}
