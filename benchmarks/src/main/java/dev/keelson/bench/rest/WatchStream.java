package dev.keelson.bench.rest;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One REST watch's body, read as it streams: lines ({@link LineSplitter}) parsed into events
 * ({@link ObjectJson#event}), and the change events of the run's measured objects (names that
 * start with {@code measuredPrefix}) kept in {@link Arrivals} with the time their piece of the
 * body arrived. The response is handed over as soon as its headers are in ({@link #getBody}
 * is complete from the start), so a watch needs no thread while it waits.
 *
 * <p>A stream that ends before {@link #cancel} (the server closed it, the connection broke,
 * a line did not parse) is recorded with why; the run counts it as an error and the events it
 * did not get as lost: the load tool does not resume watches.
 */
final class WatchStream implements HttpResponse.BodySubscriber<Void> {
  /** Longest watch line accepted. */
  static final int MAX_LINE = 16 * 1024 * 1024;

  private final String measuredPrefix;
  private final LongAdder measuredEvents;
  private final LongSupplier nanoClock;
  private final LineSplitter lines = new LineSplitter(MAX_LINE);
  private final Arrivals arrivals = new Arrivals();
  private final LineSplitter.Handler handler = this::line;
  private volatile Flow.Subscription subscription;
  private volatile boolean canceled;
  private volatile String endedBecause;
  private long now; // the arrival time of the piece being parsed; onNext calls are serial
  private volatile long errorEvents; // one writer: the stream's onNext

  /**
   * @param measuredEvents incremented for each measured event, shared by all streams of a run
   */
  WatchStream(String measuredPrefix, LongAdder measuredEvents, LongSupplier nanoClock) {
    this.measuredPrefix = measuredPrefix;
    this.measuredEvents = measuredEvents;
    this.nanoClock = nanoClock;
  }

  @Override
  public CompletionStage<Void> getBody() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (canceled) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> pieces) {
    now = nanoClock.getAsLong();
    try {
      for (ByteBuffer b : pieces) {
        lines.feed(b, handler);
      }
    } catch (IOException | RuntimeException e) {
      end("bad-line: " + e.getMessage());
      subscription.cancel();
      return;
    }
    subscription.request(1);
  }

  private void line(byte[] buf, int off, int len) throws IOException {
    WatchEvent e = ObjectJson.event(buf, off, len);
    if (e.isChange()) {
      if (e.name() != null && e.name().startsWith(measuredPrefix)) {
        arrivals.add(e.resourceVersion(), now);
        measuredEvents.increment();
      }
    } else if (e.type().equals("ERROR")) {
      errorEvents++;
    }
  }

  @Override
  public void onError(Throwable t) {
    end(Outcome.of(t).error());
  }

  @Override
  public void onComplete() {
    end(lines.pending() > 0 ? "closed mid-line" : "closed by the server");
  }

  private void end(String why) {
    if (!canceled && endedBecause == null) {
      endedBecause = why;
    }
  }

  /** Ends the stream from this side; it does not count as ended after this. */
  void cancel() {
    canceled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  /** Why the stream ended before {@link #cancel}, or null if it did not. */
  String endedBecause() {
    return endedBecause;
  }

  /** ERROR events received (a 410 Gone, or the server's own failure). */
  long errorEvents() {
    return errorEvents;
  }

  Arrivals arrivals() {
    return arrivals;
  }
}
