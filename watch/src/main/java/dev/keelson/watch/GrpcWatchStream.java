package dev.keelson.watch;

import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.store.mvcc.EtcdError;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd Watch call: requests go to the hub as they arrive; responses leave the stream's
 * queue only while gRPC {@link ServerCallStreamObserver#isReady() is ready}, so a client that
 * stops reading fills our bounded queue (and its watchers fall back to catch-up) instead of
 * gRPC's unbounded buffers. Requests are read one at a time and not while the queue is full.
 *
 * <p>Threads: {@link #onNext} on gRPC's executor; {@link #drain} on the hub's send pool, at most
 * one at a time per call ({@link #draining}), which makes it the only caller of the response
 * observer. Like etcd 3.4, a client's half-close leaves the stream open; cancel or a transport
 * error ends it and removes its watchers.
 */
final class GrpcWatchStream implements StreamObserver<WatchRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcWatchStream.class);

  private final WatchHub hub;
  private final ServerCallStreamObserver<WatchResponse> call;
  private final LongFunction<ResponseHeader> headers;
  private final int fragmentBytes;
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Set when a request was handled while the queue was full: the next drain asks for more. */
  private final AtomicBoolean requestsPaused = new AtomicBoolean();
  private final WatchStream stream;
  private volatile boolean ended;

  private GrpcWatchStream(WatchHub hub, ServerCallStreamObserver<WatchResponse> call,
      LongFunction<ResponseHeader> headers) {
    this.hub = hub;
    this.call = call;
    this.headers = headers;
    this.fragmentBytes = hub.config().fragmentBytes();
    this.stream = hub.openStream(this::wake);
  }

  /** Sets the call up; must run inside the service method, before it returns. */
  static GrpcWatchStream open(WatchHub hub, ServerCallStreamObserver<WatchResponse> call,
      LongFunction<ResponseHeader> headers) {
    call.disableAutoRequest();
    GrpcWatchStream s = new GrpcWatchStream(hub, call, headers);
    call.setOnReadyHandler(s::wake);
    call.setOnCancelHandler(s::end);
    call.request(1);
    return s;
  }

  @Override
  public void onNext(WatchRequest r) {
    try {
      switch (r.getRequestUnionCase()) {
        case CREATE_REQUEST -> hub.create(stream, r.getCreateRequest());
        case CANCEL_REQUEST -> hub.cancel(stream, r.getCancelRequest().getWatchId());
        case PROGRESS_REQUEST -> hub.requestProgress(stream);
        default -> { } // etcd ignores what it does not know
      }
    } catch (RuntimeException e) {
      LOG.warn("watch request failed", e);
    }
    if (stream.acceptsRequests()) {
      call.request(1);
    } else {
      requestsPaused.set(true);
      if (stream.acceptsRequests() && requestsPaused.compareAndSet(true, false)) {
        call.request(1);
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    end();
  }

  @Override
  public void onCompleted() {
    // etcd 3.4 keeps serving a stream whose client half-closed (recvLoop returns, Watch waits)
  }

  private void end() {
    ended = true;
    hub.closeStream(stream);
  }

  private void wake() {
    if (draining.compareAndSet(false, true)) {
      try {
        hub.sendPool().execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false); // hub closed; the call is being shut down
      }
    }
  }

  /** Sends queued responses while the call is ready; the only writer of {@link #call}. */
  private void drain() {
    do {
      try {
        sendReady();
      } catch (RuntimeException e) {
        LOG.debug("watch stream send failed", e);
        ended = true;
        hub.closeStream(stream);
      } finally {
        draining.set(false);
      }
    } while (!ended && (stream.terminated() || (stream.queued() > 0 && call.isReady()))
        && draining.compareAndSet(false, true));
  }

  private void sendReady() {
    ResponseHeader header = null;
    while (!ended) {
      if (stream.terminated()) {
        ended = true;
        if (!call.isCancelled()) {
          EtcdError stopped = EtcdError.STOPPED;
          call.onError(Status.fromCode(stopped.code()).withDescription(stopped.message())
              .asRuntimeException());
        }
        return;
      }
      if (!call.isReady()) {
        break;
      }
      Outgoing o = stream.poll();
      if (o == null) {
        break;
      }
      if (header == null) {
        header = headers.apply(o.revision()); // cluster, member and term: once per drain
      } else if (o.revision() != header.getRevision()) {
        header = header.toBuilder().setRevision(o.revision()).build();
      }
      WatchResponse r = o.toResponse(header);
      if (o.fragmentable()) {
        Fragments.split(r, fragmentBytes).forEach(call::onNext);
      } else {
        call.onNext(r);
      }
    }
    if (stream.acceptsRequests() && requestsPaused.compareAndSet(true, false)) {
      call.request(1);
    }
  }
}
