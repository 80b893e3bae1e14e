package dev.keelson.watch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The hub's side of one client stream: its watchers by id, and the bounded queue of responses
 * waiting for the sender (the gRPC stream, or a test).
 *
 * <p>The queue is the only way responses reach the client and is FIFO with one exception: a
 * watcher's events may join its event response still waiting in the queue (so a sender that fell
 * behind writes one response for many revisions), but never across a control response. So a
 * watch's created response precedes its events, a progress response follows every event queued
 * before it and precedes every event queued after it, and each watcher's events stay in order.
 * Event responses are refused when the queue is full (the hub then moves the watcher to
 * unsynced); control responses (created, canceled, progress request) are always taken — the
 * sender stops reading requests while the queue is full, which bounds them.
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
  private final int mergeMaxRevisions;
  private final long mergeMaxBytes;

  // queue, guarded by this
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>(8);
  private long queuedBytes;
  /** Control responses queued so far: an event response queued before the last one is closed. */
  private long controls;
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
    this.mergeMaxRevisions = config.maxRevisionsPerResponse();
    this.mergeMaxBytes = config.maxResponseBytes();
    this.senderWakeup = senderWakeup;
    this.syncWakeup = syncWakeup;
  }

  /**
   * Queues an event or progress-notify response unless the queue is full. Events join their
   * watcher's response still waiting in the queue when no control response was queued after it
   * and the result stays within the per-response bounds; the sender is then already awake.
   */
  boolean offer(Outgoing o) {
    boolean queued = offerQuietly(o);
    if (queued) {
      wake();
    }
    return queued;
  }

  /** As {@link #offer} but leaves waking the sender to the caller ({@link #wake}). */
  boolean offerQuietly(Outgoing o) {
    synchronized (this) {
      if (terminated) {
        return true; // the stream is going away; nothing will be sent
      }
      boolean empty = queue.isEmpty();
      if (!empty && queuedBytes + o.bytes() > maxBytes) {
        syncWaiting = true;
        return false;
      }
      Watcher w = o.watcher;
      Outgoing waiting = w == null ? null : w.queued;
      if (waiting != null && waiting.epoch == controls
          && waiting.canAbsorb(o, mergeMaxRevisions, mergeMaxBytes)) {
        waiting.absorb(o);
        queuedBytes += o.bytes() - Outgoing.OVERHEAD;
        return true;
      }
      if (!empty && queue.size() >= maxResponses) {
        syncWaiting = true;
        return false;
      }
      add(o);
      if (w == null) {
        controls++; // a progress notification: later events must not overtake it
      } else {
        o.epoch = controls;
        w.queued = o;
      }
    }
    return true;
  }

  /** Wakes the sender: there may be something to send. */
  void wake() {
    senderWakeup.run();
  }

  /** Queues a control response whatever the queue holds. */
  void offerControl(Outgoing o) {
    synchronized (this) {
      if (terminated) {
        return;
      }
      add(o);
      controls++;
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
      if (o.watcher != null && o.watcher.queued == o) {
        o.watcher.queued = null;
      }
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
