package dev.keelson.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.etcd.etcdserverpb.WatchCancelRequest;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchProgressRequest;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One etcd Watch stream (raw stubs) that records every response in arrival order, for tests.
 * Checks etcd's atomicity on read: a revision's events for a watch are never split across
 * responses (fragments aside).
 */
public final class WatchStream implements StreamObserver<WatchResponse>, AutoCloseable {
  private final StreamObserver<WatchRequest> requests;
  private final List<WatchResponse> received = new ArrayList<>();
  private volatile Throwable error;
  private volatile boolean completed;

  public WatchStream(EtcdClient client) {
    this.requests = WatchGrpc.newStub(client.channel()).watch(this);
  }

  public synchronized void send(WatchRequest r) {
    requests.onNext(r);
  }

  public void create(WatchCreateRequest c) {
    send(WatchRequest.newBuilder().setCreateRequest(c).build());
  }

  public void cancel(long watchId) {
    send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder()
        .setWatchId(watchId)).build());
  }

  public void requestProgress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance())
        .build());
  }

  @Override
  public synchronized void onNext(WatchResponse r) {
    received.add(r);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  /** The stream's failure, if it failed (the server died, say). */
  public Throwable error() {
    return error;
  }

  public boolean ended() {
    return error != null || completed;
  }

  /** Everything received so far. */
  public synchronized List<WatchResponse> responses() {
    return List.copyOf(received);
  }

  /** Responses without events (created, canceled, progress), in order. */
  public List<WatchResponse> control() {
    return responses().stream().filter(r -> r.getEventsCount() == 0).toList();
  }

  /** The events of one watch, concatenated in arrival order, checking no revision is split. */
  public List<Event> events(long watchId) {
    List<Event> out = new ArrayList<>();
    Set<Long> closed = new HashSet<>();
    for (WatchResponse r : responses()) {
      if (r.getWatchId() != watchId || r.getEventsCount() == 0) {
        continue;
      }
      Set<Long> inThis = new LinkedHashSet<>();
      r.getEventsList().forEach(e -> inThis.add(e.getKv().getModRevision()));
      for (long rev : inThis) {
        assertThat(closed).as("broke Atomic: revision %d of watch %d split across responses",
            rev, watchId).doesNotContain(rev);
      }
      if (!r.getFragment()) {
        closed.addAll(inThis);
      }
      out.addAll(r.getEventsList());
    }
    return out;
  }

  /** The revision of the newest event received for a watch, or 0. */
  public long lastRevision(long watchId) {
    List<Event> e = events(watchId);
    return e.isEmpty() ? 0 : e.get(e.size() - 1).getKv().getModRevision();
  }

  @Override
  public void close() {
    try {
      synchronized (this) {
        requests.onCompleted();
      }
    } catch (RuntimeException ignored) {
      // already failed
    }
  }
}
