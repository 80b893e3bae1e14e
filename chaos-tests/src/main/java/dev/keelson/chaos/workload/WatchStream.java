package dev.keelson.chaos.workload;

import com.google.protobuf.ByteString;
import dev.keelson.chaos.watch.WatchEvent;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchProgressRequest;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One etcd watch stream on a prefix, read by polling: responses, then the end (an error or
 * completion) as a {@link Throwable} or {@link #COMPLETED}. Cancelling it ends the call.
 */
final class WatchStream implements AutoCloseable {
  static final Object COMPLETED = new Object();
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final StreamObserver<WatchRequest> requests;

  WatchStream(Channel channel, String prefix, long fromRevision) {
    StreamObserver<WatchResponse> responses = new StreamObserver<>() {
      @Override
      public void onNext(WatchResponse r) {
        queue.add(r);
      }

      @Override
      public void onError(Throwable t) {
        queue.add(t);
      }

      @Override
      public void onCompleted() {
        queue.add(COMPLETED);
      }
    };
    StreamObserver<WatchRequest>[] holder = new StreamObserver[1];
    context.run(() -> holder[0] = WatchGrpc.newStub(channel).watch(responses));
    requests = holder[0];
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    send(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(ByteString.copyFrom(prefix, StandardCharsets.UTF_8))
        .setRangeEnd(ByteString.copyFrom(end)).setStartRevision(fromRevision)
        .setProgressNotify(true)).build());
  }

  private synchronized void send(WatchRequest r) {
    try {
      requests.onNext(r);
    } catch (RuntimeException e) {
      queue.add(e);
    }
  }

  /** Asks the server for a progress notification. */
  void requestProgress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance())
        .build());
  }

  /** The next response, end marker or error, or null after {@code millis}. */
  Object poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  static List<WatchEvent> events(WatchResponse r) {
    List<WatchEvent> out = new ArrayList<>(r.getEventsCount());
    for (Event e : r.getEventsList()) {
      boolean put = e.getType() == Event.EventType.PUT;
      out.add(new WatchEvent(e.getKv().getModRevision(), e.getKv().getKey().toStringUtf8(),
          put ? "PUT" : "DELETE", put ? e.getKv().getValue().toStringUtf8() : null));
    }
    return out;
  }

  /** A response that is neither created, canceled, nor carries events: a progress notice. */
  static boolean isProgress(WatchResponse r) {
    return r.getEventsCount() == 0 && !r.getCreated() && !r.getCanceled();
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
