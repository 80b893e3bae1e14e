package dev.keelson.watch;

import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A watch held inside this process (the Kubernetes API's watch cache), with the guarantees of an
 * etcd watch: the created response first, then every matching event from the start revision on,
 * in revision order, none twice. Responses go to the sink on the hub's send pool, one at a time.
 * A sink slower than the store makes the watcher fall behind and catch up from the window or the
 * store, exactly as a slow gRPC client does; it never blocks apply.
 *
 * <p>The stream ends when {@link #close} is called, or when the hub closes: the sink then gets
 * {@link #onEnd}, once.
 */
public final class LocalWatch implements AutoCloseable {
  private final WatchHub hub;
  private final WatchStream stream;
  private final Consumer<WatchResponse> sink;
  private final Runnable onEnd;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();

  private LocalWatch(WatchHub hub, Consumer<WatchResponse> sink, Runnable onEnd) {
    this.hub = hub;
    this.sink = sink;
    this.onEnd = onEnd;
    this.stream = hub.openStream(this::wake);
  }

  /**
   * Starts one watch: {@code request} as an etcd client would send it (key, range end, start
   * revision, prev_kv, progress_notify). {@code onEnd} runs once when the stream has ended.
   */
  public static LocalWatch open(WatchHub hub, WatchCreateRequest request,
      Consumer<WatchResponse> sink, Runnable onEnd) {
    LocalWatch w = new LocalWatch(hub, sink, onEnd);
    hub.create(w.stream, request);
    return w;
  }

  /** Asks for a progress response (watch id -1) once every earlier event has been delivered. */
  public void requestProgress() {
    hub.requestProgress(stream);
  }

  private void wake() {
    if (draining.compareAndSet(false, true)) {
      try {
        hub.sendPool().execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
        end();
      }
    }
  }

  private void drain() {
    do {
      try {
        Outgoing o;
        while (!stream.terminated() && (o = stream.poll()) != null) {
          sink.accept(o.toResponse(ResponseHeader.newBuilder().setRevision(o.revision()).build()));
        }
      } catch (RuntimeException e) {
        hub.closeStream(stream);
      } finally {
        draining.set(false);
      }
      if (stream.terminated()) {
        end();
        return;
      }
    } while (stream.queued() > 0 && draining.compareAndSet(false, true));
  }

  private void end() {
    if (ended.compareAndSet(false, true)) {
      onEnd.run();
    }
  }

  @Override
  public void close() {
    hub.closeStream(stream);
    end();
  }
}
