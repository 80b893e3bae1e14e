package dev.keelson.watch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The hub's side of one client stream: its watchers by id, and the bounded queue of responses
 * waiting for the sender (the gRPC stream, or a test).
 *
 * <p>The queue is FIFO and is the only way responses reach the client, so a response queued
 * before another is sent before it: a watch's created response precedes its events, and a
 * progress response follows every event queued before it. Event responses are refused when
 * the queue is full (the hub then moves the watcher to unsynced); control responses (created,
 * canceled, progress request) are always taken — the sender stops reading requests while the
 * queue is full, which bounds them.
 *
 * <p>Locks: fields marked "hub lock" are guarded by {@link WatchHub}'s lock; the queue by this
 * object's monitor, which is taken after the hub lock, never before it, and never held while
 * calling out except to the wake-up callbacks (which take no lock of ours).
 */
final class WatchStream {
  private final Runnable senderWakeup;
  private final Runnable syncWakeup;
  private final int maxResponses;
  private final long maxBytes;

  // queue, guarded by this
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>(8);
  private long queuedBytes;
  /** The hub left work undone because the queue was full: wake it when there is room. */
  private boolean syncWaiting;
  private volatile boolean terminated;

  // hub lock
  final Map<Long, Watcher> watchers = new HashMap<>(4);
  long nextAutoId;
  int unsynced;
  int progressNotifyWatchers;
  boolean progressPending;
  boolean closed;

  WatchStream(WatchConfig config, Runnable senderWakeup, Runnable syncWakeup) {
    this.maxResponses = config.queueMaxResponses();
    this.maxBytes = config.queueMaxBytes();
    this.senderWakeup = senderWakeup;
    this.syncWakeup = syncWakeup;
  }

  /** Queues an event or progress-notify response unless the queue is full. */
  boolean offer(Outgoing o) {
    synchronized (this) {
      if (terminated) {
        return true; // the stream is going away; nothing will be sent
      }
      if (!queue.isEmpty()
          && (queue.size() >= maxResponses || queuedBytes + o.bytes() > maxBytes)) {
        syncWaiting = true;
        return false;
      }
      add(o);
    }
    senderWakeup.run();
    return true;
  }

  /** Queues a control response whatever the queue holds. */
  void offerControl(Outgoing o) {
    synchronized (this) {
      if (terminated) {
        return;
      }
      add(o);
    }
    senderWakeup.run();
  }

  private void add(Outgoing o) {
    queue.add(o);
    queuedBytes += o.bytes();
  }

  /**
   * Whether a catch-up response should be built for this stream now: only below half of the
   * bounds, so a stream that just overflowed drains a while before catch-up fills it again.
   */
  synchronized boolean roomForCatchUp() {
    if (queue.size() <= maxResponses / 2 && queuedBytes <= maxBytes / 2) {
      return true;
    }
    syncWaiting = true;
    return false;
  }

  /** Whether the sender may read more requests (the queue is below its bounds). */
  synchronized boolean acceptsRequests() {
    return queue.size() < maxResponses && queuedBytes < maxBytes;
  }

  /** The next response to send, or null. */
  Outgoing poll() {
    boolean wake = false;
    Outgoing o;
    synchronized (this) {
      o = queue.poll();
      if (o == null) {
        return null;
      }
      queuedBytes -= o.bytes();
      if (syncWaiting && queue.size() <= maxResponses / 2 && queuedBytes <= maxBytes / 2) {
        syncWaiting = false;
        wake = true;
      }
    }
    if (wake) {
      syncWakeup.run();
    }
    return o;
  }

  synchronized int queued() {
    return queue.size();
  }

  synchronized long queuedBytes() {
    return queuedBytes;
  }

  /** Drops what is queued and refuses more; the sender then ends the call. */
  void terminate() {
    synchronized (this) {
      terminated = true;
      queue.clear();
      queuedBytes = 0;
    }
    senderWakeup.run();
  }

  boolean terminated() {
    return terminated;
  }
}
