package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One REST watch on the cache: the events of one key prefix that pass its filter, in revision
 * order, in a bounded queue. A watcher that lets its queue fill is closed (as the Kubernetes
 * cache does): its client starts again from the last resourceVersion it saw, and nobody else
 * waits for it.
 *
 * <p>The cache offers under its lock; the reader polls from its own thread; the queue is guarded
 * by this object's monitor, taken after the cache lock.
 */
public final class CacheWatcher implements AutoCloseable {
  private final String prefix;
  private final Predicate<ObjectNode> filter;
  private final int capacity;
  private final Runnable wakeup;
  private final WatchCache cache;
  // guarded by this
  private final ArrayDeque<CacheEvent> queue = new ArrayDeque<>();
  private boolean closed;
  private boolean overflowed;
  /** Events were queued since the reader was last woken (see {@link #wakeIfQueued}). */
  private boolean wakeDue;
  /** The cache's revision when the last event was queued or the last progress was seen. */
  private volatile long revision;

  CacheWatcher(WatchCache cache, String prefix, Predicate<ObjectNode> filter, int capacity,
      Runnable wakeup, long revision) {
    this.cache = cache;
    this.prefix = prefix;
    this.filter = filter;
    this.capacity = capacity;
    this.wakeup = wakeup;
    this.revision = revision;
  }

  String prefix() {
    return prefix;
  }

  /**
   * Offers one change, translated for the filter: an object that starts to match is ADDED, one
   * that stops matching is DELETED. Returns false if the watcher is closed (or just overflowed).
   */
  boolean offer(CacheEvent e) {
    if (!e.key().startsWith(prefix)) {
      return true;
    }
    if (filter == WatchCache.EVERYTHING) {
      return add(e);
    }
    boolean now = e.type() != CacheEvent.Type.DELETED && filter.test(e.cached().selectable());
    boolean before = e.cachedPrevious() != null
        && filter.test(e.cachedPrevious().selectable());
    CacheEvent out;
    if (now && before) {
      out = e;
    } else if (now) {
      out = new CacheEvent(CacheEvent.Type.ADDED, e.cached(), e.cachedPrevious());
    } else if (before) {
      out = new CacheEvent(CacheEvent.Type.DELETED, e.cached(), e.cachedPrevious());
    } else {
      revision = e.revision();
      return true;
    }
    return add(out);
  }

  /**
   * Queues an event as is (initial state, replayed history). The reader is not woken yet: the
   * cache calls {@link #wakeIfQueued} once it has offered everything it has at hand, so events
   * that arrived together leave in one write. Only an overflow wakes it at once.
   */
  boolean add(CacheEvent e) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (queue.size() < capacity) {
        queue.add(e);
        revision = e.revision();
        wakeDue = true;
        return true;
      }
      closed = true;
      overflowed = true;
      queue.clear();
    }
    wakeup.run();
    return false;
  }

  /** Wakes the reader if events were queued since it was last woken. */
  void wakeIfQueued() {
    synchronized (this) {
      if (!wakeDue) {
        return;
      }
      wakeDue = false;
    }
    wakeup.run();
  }

  /** The cache reached {@code rev} with nothing more for this watcher. */
  void progress(long rev) {
    revision = Math.max(revision, rev);
  }

  /** Up to {@code max} queued events, oldest first; empty if none. */
  public synchronized List<CacheEvent> poll(int max) {
    List<CacheEvent> out = new ArrayList<>(Math.min(max, queue.size()));
    while (out.size() < max && !queue.isEmpty()) {
      out.add(queue.poll());
    }
    return out;
  }

  public synchronized boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Closed by the client, by the cache restarting, or because the queue overflowed. */
  public synchronized boolean closed() {
    return closed;
  }

  public synchronized boolean overflowed() {
    return overflowed;
  }

  /**
   * The revision a bookmark may carry now: every event of this watcher up to it has been polled.
   * -1 while events are queued.
   */
  public synchronized long bookmarkRevision() {
    return queue.isEmpty() ? revision : -1;
  }

  /** Ends the watch (the cache calls this when it restarts). */
  void terminate() {
    synchronized (this) {
      closed = true;
    }
    wakeup.run();
  }

  @Override
  public void close() {
    terminate();
    cache.remove(this);
  }
}
