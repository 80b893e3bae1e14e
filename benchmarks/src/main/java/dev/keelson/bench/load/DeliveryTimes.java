package dev.keelson.bench.load;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Watch latency, matched by revision: for every event of a measured put, the time from the
 * put's reply to the event's arrival, and from the put's send. An event may arrive before the
 * reply (the server sends both once the put is applied): it waits here until the reply tells
 * which put has its revision, then counts as 0 from the reply and as before-reply.
 *
 * <p>Thread-safe: each revision's entry changes only inside the map's {@code compute}.
 */
final class DeliveryTimes implements WatchStream.Listener, WatchPutOperation.Listener {
  private final ConcurrentHashMap<Long, Entry> byRevision = new ConcurrentHashMap<>();
  private final Recorder fromReply = new Recorder(3);
  private final Recorder fromSend = new Recorder(3);
  private final LongAdder beforeReply = new LongAdder();
  private Histogram fromReplyHistogram;
  private Histogram fromSendHistogram;

  /** A put's times once replied; until then, when its events arrived. */
  private static final class Entry {
    long sent;
    long replied;
    boolean known;
    long[] early = new long[0];
    int earlyCount;
  }

  @Override
  public void replied(long revision, long sentNanos, long repliedNanos) {
    byRevision.compute(revision, (rev, e) -> {
      Entry x = e == null ? new Entry() : e;
      x.sent = sentNanos;
      x.replied = repliedNanos;
      x.known = true;
      for (int i = 0; i < x.earlyCount; i++) {
        record(x, x.early[i]);
      }
      x.early = null;
      x.earlyCount = 0;
      return x;
    });
  }

  @Override
  public void delivered(long revision, long nanos) {
    byRevision.compute(revision, (rev, e) -> {
      Entry x = e == null ? new Entry() : e;
      if (x.known) {
        record(x, nanos);
      } else {
        if (x.earlyCount == x.early.length) {
          x.early = Arrays.copyOf(x.early, Math.max(4, x.early.length * 2));
        }
        x.early[x.earlyCount++] = nanos;
      }
      return x;
    });
  }

  private void record(Entry x, long arrived) {
    long afterReply = arrived - x.replied;
    if (afterReply < 0) {
      beforeReply.increment();
    }
    fromReply.recordValue(Math.max(0, afterReply / 1000));
    fromSend.recordValue(Math.max(0, (arrived - x.sent) / 1000));
  }

  /** Events that arrived before their put's reply (recorded as 0 from the reply). */
  long beforeReply() {
    return beforeReply.sum();
  }

  /** Events of no put that replied (it failed on the client, or is still outstanding). */
  long unmatched() {
    LongAdder n = new LongAdder();
    for (Long rev : byRevision.keySet()) {
      byRevision.computeIfPresent(rev, (r, e) -> {
        n.add(e.known ? 0 : e.earlyCount);
        return e;
      });
    }
    return n.sum();
  }

  /** Reply to event, in microseconds; the first call ends the recording of both. */
  synchronized Histogram fromReply() {
    finish();
    return fromReplyHistogram;
  }

  /** Send to event, in microseconds. */
  synchronized Histogram fromSend() {
    finish();
    return fromSendHistogram;
  }

  private void finish() {
    if (fromReplyHistogram == null) {
      fromReplyHistogram = fromReply.getIntervalHistogram();
      fromSendHistogram = fromSend.getIntervalHistogram();
    }
  }
}
