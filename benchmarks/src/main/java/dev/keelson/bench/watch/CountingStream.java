package dev.keelson.bench.watch;

import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchProgressRequest;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * One Watch stream whose watchers have ids 1..n: it keeps, per watcher, only the number of
 * events and the last revision (10,000s of watchers receive millions of events), and counts
 * every response that breaks the expectations: a revision not above the watcher's previous
 * one (out of order or duplicate), an unknown watch id, a cancel.
 *
 * <p>A stalled stream asks gRPC for no messages ({@code disableAutoRequestWithInitial(0)}),
 * so once its HTTP/2 window is full the server cannot send it anything, until {@link #resume}.
 * It may let a few messages through first ({@link #allow}) to see its watchers created.
 *
 * <p>Threads: gRPC delivers responses one at a time per call; the monitor makes what they
 * recorded visible to the reader threads.
 */
final class CountingStream implements ClientResponseObserver<WatchRequest, WatchResponse> {
  private final boolean stalled;
  private final LongAdder fleetEvents;
  private ClientCallStreamObserver<WatchRequest> requests;

  // guarded by this
  private int[] counts = new int[1];
  private long[] lastRevision = new long[1];
  private int watchers;
  private int created;
  private int progress;
  private long events;
  private long responses;
  private long outOfOrder;
  private long unknownIds;
  private long canceled;
  private Throwable error;
  private boolean completed;
  private Delivery delivery;
  private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);

  /**
   * @param fleetEvents counts events across streams, for cheap progress polling
   */
  CountingStream(Channel channel, boolean stalled, LongAdder fleetEvents) {
    this.stalled = stalled;
    this.fleetEvents = fleetEvents;
    WatchGrpc.newStub(channel).watch(this);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
    this.requests = requestStream;
    if (stalled) {
      requestStream.disableAutoRequestWithInitial(0);
    }
  }

  /** Lets {@code n} more responses through a stalled stream. */
  void allow(int n) {
    requests.request(n);
  }

  /** A stalled stream reads everything from now on. */
  void resume() {
    requests.request(Integer.MAX_VALUE);
  }

  synchronized void send(WatchRequest r) {
    requests.onNext(r);
  }

  void requestProgress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance())
        .build());
  }

  /** Creates watcher {@code id} (ids run 1..n; the counters grow to fit). */
  void create(int id, WatchCreateRequest.Builder create) {
    synchronized (this) {
      if (id >= counts.length) {
        counts = Arrays.copyOf(counts, Math.max(id + 1, counts.length * 2));
        lastRevision = Arrays.copyOf(lastRevision, counts.length);
      }
      watchers = Math.max(watchers, id);
    }
    send(WatchRequest.newBuilder().setCreateRequest(create.setWatchId(id)).build());
  }

  /** Where delivery latencies go from now on (null: not measured). */
  synchronized void measure(Delivery d) {
    this.delivery = d;
  }

  @Override
  public synchronized void onNext(WatchResponse r) {
    responses++;
    long id = r.getWatchId();
    if (r.getCreated()) {
      created++;
      if (r.getCanceled()) {
        canceled++;
      }
      return;
    }
    if (r.getCanceled()) {
      canceled++;
      return;
    }
    if (r.getEventsCount() == 0) {
      if (id == -1) {
        progress++;
      }
      return;
    }
    if (id < 1 || id > watchers) {
      unknownIds++;
      return;
    }
    int w = (int) id;
    long now = delivery == null ? 0 : System.nanoTime();
    for (Event e : r.getEventsList()) {
      long rev = e.getKv().getModRevision();
      if (rev <= lastRevision[w]) {
        outOfOrder++;
      }
      lastRevision[w] = rev;
      counts[w]++;
      if (delivery != null) {
        long start = delivery.startNanos(e.getKv().getKey());
        if (start != 0) {
          latencyMicros.recordValue(Math.max(0, (now - start) / 1000));
        }
      }
    }
    events += r.getEventsCount();
    fleetEvents.add(r.getEventsCount());
  }

  @Override
  public synchronized void onError(Throwable t) {
    error = t;
  }

  @Override
  public synchronized void onCompleted() {
    completed = true;
  }

  void close() {
    try {
      requests.cancel("benchmark done", null);
    } catch (RuntimeException ignored) {
      // already ended
    }
  }

  synchronized int created() {
    return created;
  }

  synchronized int progress() {
    return progress;
  }

  synchronized long events() {
    return events;
  }

  synchronized long responses() {
    return responses;
  }

  /** The stream's failure or end, if it ended: a failed benchmark says why. */
  synchronized String ended() {
    if (error != null) {
      return "stream failed: " + error;
    }
    return completed ? "stream ended by the server" : null;
  }

  /** How many watchers have fewer than {@code expected} events. */
  synchronized int behind(int expected) {
    int n = 0;
    for (int w = 1; w <= watchers; w++) {
      if (counts[w] < expected) {
        n++;
      }
    }
    return n;
  }

  /** Checks every watcher got exactly {@code expected} events in order; problems, summed. */
  synchronized Check check(int expected, long lastExpectedRevision) {
    long missing = 0;
    long extra = 0;
    long wrongLast = 0;
    for (int w = 1; w <= watchers; w++) {
      missing += Math.max(0, expected - counts[w]);
      extra += Math.max(0, counts[w] - expected);
      if (lastRevision[w] != lastExpectedRevision) {
        wrongLast++;
      }
    }
    return new Check(watchers, missing, extra, outOfOrder, unknownIds, canceled,
        wrongLast);
  }

  /** Adds the delivery latencies recorded so far to {@code into}, and forgets them. */
  synchronized void drainLatencies(Histogram into) {
    into.add(latencyMicros);
    latencyMicros.reset();
  }

  /**
   * What is wrong after a run, summed over watchers (all zero when every watcher received
   * exactly the expected events in order).
   *
   * @param watchers how many watchers were checked
   * @param missing events expected but not received
   * @param extra events received beyond those expected
   * @param outOfOrder events whose revision was not above the watcher's previous one
   * @param unknownIds event responses for watch ids never created
   * @param canceled watches the server canceled
   * @param wrongLast watchers whose last event is not at the last put's revision
   */
  record Check(int watchers, long missing, long extra, long outOfOrder, long unknownIds,
      long canceled, long wrongLast) {
    boolean ok() {
      return missing == 0 && extra == 0 && outOfOrder == 0 && unknownIds == 0 && canceled == 0
          && wrongLast == 0;
    }

    Check plus(Check o) {
      return new Check(watchers + o.watchers, missing + o.missing, extra + o.extra,
          outOfOrder + o.outOfOrder, unknownIds + o.unknownIds, canceled + o.canceled,
          wrongLast + o.wrongLast);
    }

    static final Check NONE = new Check(0, 0, 0, 0, 0, 0, 0);
  }
}
