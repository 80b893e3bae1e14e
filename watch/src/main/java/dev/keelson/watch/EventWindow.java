package dev.keelson.watch;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest revisions' events, in memory, for watchers that fall a little behind: a ring of
 * {@link RevisionEntry} in revision order, bounded by event count and by bytes; the oldest
 * revisions go first. Invariant: every revision from {@link #coveredFrom()} up to the newest
 * published revision is in the ring, so a watcher whose next revision is at or above it can
 * catch up without reading the store. Guarded by the hub lock.
 */
final class EventWindow {
  private final int maxEvents;
  private final long maxBytes;
  private RevisionEntry[] ring = new RevisionEntry[64];
  private int head;
  private int size;
  private long events;
  private long bytes;
  private long coveredFrom;

  EventWindow(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Forgets everything; the next revision to be appended is {@code nextRev}. */
  void reset(long nextRev) {
    java.util.Arrays.fill(ring, null);
    head = 0;
    size = 0;
    events = 0;
    bytes = 0;
    coveredFrom = nextRev;
  }

  long coveredFrom() {
    return coveredFrom;
  }

  int size() {
    return size;
  }

  long events() {
    return events;
  }

  long bytes() {
    return bytes;
  }

  /** Appends the newest revision, then drops the oldest ones until within bounds. */
  void append(RevisionEntry e) {
    if (size == ring.length) {
      RevisionEntry[] bigger = new RevisionEntry[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = get(i);
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) % ring.length] = e;
    size++;
    events += e.size();
    bytes += e.bytes;
    while (size > 0 && (events > maxEvents || bytes > maxBytes)) {
      RevisionEntry oldest = ring[head];
      ring[head] = null;
      head = (head + 1) % ring.length;
      size--;
      events -= oldest.size();
      bytes -= oldest.bytes;
      coveredFrom = oldest.revision + 1;
    }
    if (size > 0 && ring.length > 64 && size < ring.length / 4) {
      shrink();
    }
  }

  private void shrink() {
    RevisionEntry[] smaller = new RevisionEntry[ring.length / 2];
    for (int i = 0; i < size; i++) {
      smaller[i] = get(i);
    }
    ring = smaller;
    head = 0;
  }

  RevisionEntry get(int i) {
    return ring[(head + i) % ring.length];
  }

  /** The entries with revisions in [from, to], in order (a copy: safe to use without the lock). */
  List<RevisionEntry> slice(long from, long to) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (get(mid).revision < from) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<RevisionEntry> out = new ArrayList<>();
    for (int i = lo; i < size && get(i).revision <= to; i++) {
      out.add(get(i));
    }
    return out;
  }
}
