package dev.keelson.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.mvccpb.Event;

/**
 * One watch: what it watches (immutable) and where it stands (guarded by the hub lock).
 *
 * <p>States and their legal transitions (all under the hub lock):
 * <pre>
 *   SYNCED   ──queue full / store replaced──▶ UNSYNCED
 *   UNSYNCED ──caught up to the hub's last revision──▶ SYNCED
 *   UNSYNCED ──next revision below the compaction revision──▶ COMPACTED
 *   any      ──client cancel / stream end──▶ CANCELED
 * </pre>
 * A SYNCED watcher has been offered every matching event up to the hub's last revision and
 * receives new ones as they are applied, skipping revisions below {@code nextRev} (a start in
 * the future). An UNSYNCED watcher has been offered every matching event below {@code nextRev}
 * and catches up from there. A COMPACTED watcher got its final response but keeps its id on the
 * stream until the client cancels it, as in etcd 3.4.
 *
 * <p>Kept small on purpose: 10,000s of idle watchers per master are normal.
 */
final class Watcher {
  static final int SYNCED = 0;
  static final int UNSYNCED = 1;
  static final int COMPACTED = 2;
  static final int CANCELED = 3;

  static final int PREV_KV = 1;
  static final int NO_PUT = 1 << 1;
  static final int NO_DELETE = 1 << 2;
  static final int PROGRESS_NOTIFY = 1 << 3;
  static final int FRAGMENT = 1 << 4;
  /** Set when events were queued since the last progress tick (etcd elides that tick). */
  private static final int EVENTS_SINCE_TICK = 1 << 8;
  private static final int STATE_SHIFT = 16;
  private static final int OPTIONS = 0xFF;

  final long id;
  final WatchStream stream;
  /** The key, or the start of the range. */
  final ByteString key;
  /** null: the single key; empty: every key at or above {@code key}; else the exclusive end. */
  final ByteString end;
  /** The options, the tick bit and the state, packed. */
  private int bits;
  /** The first revision this watcher has not been offered. Guarded by the hub lock. */
  long nextRev;
  /**
   * Its newest event response still in the stream's queue, which may take its next events.
   * Guarded by the stream's queue monitor.
   */
  Outgoing queued;

  Watcher(long id, WatchStream stream, ByteString key, ByteString end, int options, long nextRev) {
    this.id = id;
    this.stream = stream;
    this.key = key;
    this.end = end;
    this.bits = options & OPTIONS;
    this.nextRev = nextRev;
  }

  boolean has(int option) {
    return (bits & option) != 0;
  }

  int state() {
    return bits >>> STATE_SHIFT;
  }

  void state(int s) {
    bits = (bits & ~(0xFF << STATE_SHIFT)) | (s << STATE_SHIFT);
  }

  boolean eventsSinceTick() {
    return (bits & EVENTS_SINCE_TICK) != 0;
  }

  void eventsSinceTick(boolean b) {
    bits = b ? bits | EVENTS_SINCE_TICK : bits & ~EVENTS_SINCE_TICK;
  }

  boolean isRange() {
    return end != null;
  }

  /** Whether this watcher's filters let the event through. */
  boolean accepts(Event e) {
    return e.getType() == Event.EventType.PUT ? !has(NO_PUT) : !has(NO_DELETE);
  }

  /** Whether the key is in what this watcher watches. */
  boolean covers(ByteString k) {
    if (end == null) {
      return key.equals(k);
    }
    return Keys.compare(k, key) >= 0 && (end.isEmpty() || Keys.compare(k, end) < 0);
  }

  @Override
  public String toString() {
    return "watcher " + id + " [" + key.toStringUtf8() + ", "
        + (end == null ? "single" : end.toStringUtf8()) + ") next " + nextRev
        + " state " + state();
  }
}
