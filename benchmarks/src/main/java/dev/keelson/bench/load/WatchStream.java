package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.BitSet;

/**
 * One Watch stream with watchers 1..n, all on the run's key prefix from the same start
 * revision; keeps each watcher's {@link Receipts}. An event is measured when its key is under
 * the measured prefix (the warm-up's puts use another one).
 *
 * <p>Threads: gRPC delivers one response at a time per call, on a transport thread; the
 * monitor makes what it recorded visible to the thread that checks.
 */
final class WatchStream implements ClientResponseObserver<WatchRequest, WatchReply> {
  /** Hears of each measured event as it arrives. */
  interface Listener {
    void delivered(long revision, long nanos);
  }

  /** Counters shared by a fleet's streams, for cheap polling. */
  interface Fleet {
    void measuredEvents(int n, long nanos);
  }

  private final Fleet fleet;
  private final Listener listener;
  private ClientCallStreamObserver<WatchRequest> requests;

  // guarded by this
  private final Receipts[] receipts;
  private int created;
  private int canceled;
  private Status.Code error;
  private boolean completed;

  WatchStream(Channel channel, int watchers, long base, ByteString measuredPrefix, Fleet fleet,
      Listener listener) {
    this.fleet = fleet;
    this.listener = listener;
    this.receipts = new Receipts[watchers + 1];
    for (int w = 1; w <= watchers; w++) {
      receipts[w] = new Receipts(base);
    }
    ClientCalls.asyncBidiStreamingCall(
        channel.newCall(WatchReply.method(measuredPrefix), CallOptions.DEFAULT), this);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
    this.requests = requestStream;
  }

  /** Creates every watcher: ids 1..n, each with {@code create}. */
  synchronized void createAll(WatchCreateRequest create) {
    for (int id = 1; id < receipts.length; id++) {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(create.toBuilder()
          .setWatchId(id)).build());
    }
  }

  @Override
  public synchronized void onNext(WatchReply r) {
    if (r.created()) {
      created++;
    }
    if (r.canceled()) {
      canceled++;
    }
    long id = r.watchId();
    if (r.events() == 0 || id < 1 || id >= receipts.length) {
      return;
    }
    long now = System.nanoTime();
    int measured = 0;
    for (int i = 0; i < r.events(); i++) {
      boolean m = r.measured()[i];
      long revision = r.revisions()[i];
      receipts[(int) id].event(revision, m);
      if (m) {
        measured++;
        if (listener != null) {
          listener.delivered(revision, now);
        }
      }
    }
    if (measured > 0) {
      fleet.measuredEvents(measured, now);
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    error = Status.fromThrowable(t).getCode();
  }

  @Override
  public synchronized void onCompleted() {
    completed = true;
  }

  synchronized int created() {
    return created;
  }

  synchronized int canceled() {
    return canceled;
  }

  /** The status code the stream failed with, or null. */
  synchronized Status.Code error() {
    return error;
  }

  /** Whether the stream ended: its watchers will receive nothing more. */
  synchronized boolean ended() {
    return error != null || completed;
  }

  synchronized Receipts.Check check(BitSet expected) {
    Receipts.Check c = Receipts.Check.NONE;
    for (int w = 1; w < receipts.length; w++) {
      c = c.plus(receipts[w].check(expected));
    }
    return c;
  }

  void close() {
    try {
      requests.cancel("benchmark done", null);
    } catch (RuntimeException ignored) {
      // already ended
    }
  }
}
