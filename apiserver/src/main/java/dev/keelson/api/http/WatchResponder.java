package dev.keelson.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.cache.CacheEvent;
import dev.keelson.api.cache.CacheWatcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Streams one REST watch: each event as a line of JSON ({@code {"type":..,"object":..}}),
 * written asynchronously, one write in flight at a time, so a thousand watches need no thread
 * each. Events queue in the {@link CacheWatcher} (bounded); if the client reads too slowly the
 * watcher is closed and the stream ends, and the client resumes from its last resourceVersion.
 * Bookmarks (when asked for) go out once a minute and after the initial events; the stream ends
 * after {@code timeout}.
 */
final class WatchResponder {
  private static final int MAX_EVENTS_PER_WRITE = 256;

  private final CacheWatcher[] watcher = new CacheWatcher[1];
  private final Response response;
  private final Callback done;
  private final ObjectMapper json;
  private final Executor executor;
  private final Function<CacheEvent, ObjectNode> render;
  private final boolean bookmarks;
  /** Events go out as the objects themselves (not Tables): their shared encoding is used. */
  private final boolean plainJson;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean writing;
  private volatile boolean timedOut;
  private volatile boolean bookmarkDue;
  private volatile long initialEventsEndRevision;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> ticker;

  WatchResponder(Response response, Callback done, ObjectMapper json, Executor executor,
      Function<CacheEvent, ObjectNode> render, boolean bookmarks, boolean plainJson) {
    this.response = response;
    this.done = done;
    this.json = json;
    this.executor = executor;
    this.render = render;
    this.bookmarks = bookmarks;
    this.plainJson = plainJson;
  }

  /** The wake-up the cache watcher calls when it queues something. */
  void wake() {
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  /** Starts streaming with {@code w}; {@code initialEndRevision} > 0 sends that bookmark. */
  void start(CacheWatcher w, long timeoutMs, long initialEndRevision,
      ScheduledExecutorService scheduler) {
    watcher[0] = w;
    initialEventsEndRevision = initialEndRevision;
    // commit the headers now: clients wait for them before they do anything else
    writing = true;
    response.write(false, ByteBuffer.allocate(0), Callback.from(() -> {
      writing = false;
      wake();
    }, this::fail));
    timer = scheduler.schedule(() -> {
      timedOut = true;
      wake();
    }, timeoutMs, TimeUnit.MILLISECONDS);
    if (bookmarks) {
      ticker = scheduler.scheduleAtFixedRate(() -> {
        bookmarkDue = true;
        wake();
      }, 60, 60, TimeUnit.SECONDS);
    }
    wake();
  }

  private void drain() {
    try {
      while (!writing && !finished.get()) {
        CacheWatcher w = watcher[0];
        if (w == null) {
          break;
        }
        List<CacheEvent> events = w.poll(MAX_EVENTS_PER_WRITE);
        Bytes out = new Bytes(events.size() * 1536);
        for (CacheEvent e : events) {
          if (plainJson) {
            e.writeLine(out);
          } else {
            line(out, e.type().name(), render.apply(e));
          }
        }
        long initialEnd = initialEventsEndRevision;
        if (events.isEmpty() && initialEnd > 0) {
          long rev = w.bookmarkRevision();
          if (rev >= 0) {
            initialEventsEndRevision = 0;
            line(out, "BOOKMARK", bookmark(Math.max(rev, initialEnd), true));
          }
        } else if (events.isEmpty() && bookmarkDue) {
          long rev = w.bookmarkRevision();
          if (rev > 0) {
            bookmarkDue = false;
            line(out, "BOOKMARK", bookmark(rev, false));
          }
        }
        if (out.size() == 0) {
          if (w.closed() || timedOut) {
            finish();
          }
          break;
        }
        writing = true;
        response.write(false, out.buffer(), Callback.from(() -> {
          writing = false;
          wake();
        }, this::fail));
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    } finally {
      draining.set(false);
    }
    CacheWatcher w = watcher[0];
    if (!writing && !finished.get() && w != null
        && (!w.isEmpty() || w.closed() || timedOut || bookmarkDue)
        && draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void line(ByteArrayOutputStream out, String type, ObjectNode object) throws IOException {
    ObjectNode ev = json.createObjectNode();
    ev.put("type", type);
    ev.set("object", object);
    json.writeValue(out, ev);
    out.write('\n');
  }

  private ObjectNode bookmark(long rev, boolean initialEnd) {
    ObjectNode o = render.apply(null);
    ObjectNode meta = o.putObject("metadata");
    meta.put("resourceVersion", Long.toString(rev));
    if (initialEnd) {
      meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
    }
    return o;
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      cleanup();
      response.write(true, ByteBuffer.allocate(0), done);
    }
  }

  private void fail(Throwable t) {
    if (finished.compareAndSet(false, true)) {
      cleanup();
      done.failed(t);
    }
  }

  private void cleanup() {
    if (timer != null) {
      timer.cancel(false);
    }
    if (ticker != null) {
      ticker.cancel(false);
    }
    CacheWatcher w = watcher[0];
    if (w != null) {
      w.close();
    }
  }

  /** The bytes of one write, handed to Jetty without a copy. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(Math.max(size, 256));
    }

    ByteBuffer buffer() {
      return ByteBuffer.wrap(buf, 0, count);
    }
  }
}
