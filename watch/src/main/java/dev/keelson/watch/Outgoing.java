package dev.keelson.watch;

import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * One queued watch response, lighter than the proto: the sender stamps the header (cluster,
 * member, term) and builds the {@link WatchResponse} only when the stream can take it.
 *
 * <p>An event response still in its stream's queue may take the same watcher's later events
 * ({@link #absorb}): a sender that fell behind then writes one response per watcher for many
 * revisions instead of one per revision, as etcd does for a watcher catching up. Only
 * {@link WatchStream} calls it, under its monitor, and only before the sender polls the response;
 * after that the response is never modified.
 */
final class Outgoing {
  static final int CREATED = 1;
  static final int CANCELED = 2;
  static final int FRAGMENTABLE = 4;
  /** Rough fixed cost of a queued response: header, ids, the object itself. */
  static final long OVERHEAD = 64;

  private final long watchId;
  private final int flags;
  private final long compactRevision;
  private final String cancelReason;
  /** The watcher of an event response (whose later events it may take), else null. */
  final Watcher watcher;
  private long revision;
  /** Whole revisions, in order; shared and never modified until {@link #absorb} copies it. */
  private List<Event> events;
  private boolean ownsEvents;
  private int revisions;
  private long bytes;
  /** The stream's control count when queued: a later control response stops absorbing. */
  long epoch;

  private Outgoing(long watchId, long revision, List<Event> events, int flags,
      long compactRevision, String cancelReason, long bytes, Watcher watcher) {
    this.watchId = watchId;
    this.revision = revision;
    this.events = events;
    this.flags = flags;
    this.compactRevision = compactRevision;
    this.cancelReason = cancelReason;
    this.bytes = bytes;
    this.watcher = watcher;
    this.revisions = countRevisions(events);
  }

  private static int countRevisions(List<Event> events) {
    int n = 0;
    long last = Long.MIN_VALUE;
    for (Event e : events) {
      long r = e.getKv().getModRevision();
      if (r != last) {
        n++;
        last = r;
      }
    }
    return n;
  }

  /** Events of one or more whole revisions for a watcher, stamped with {@code revision}. */
  static Outgoing events(Watcher w, long revision, List<Event> events, long eventBytes) {
    return new Outgoing(w.id, revision, events, w.has(Watcher.FRAGMENT) ? FRAGMENTABLE : 0, 0,
        "", OVERHEAD + eventBytes, w);
  }

  /**
   * A response without events: created, canceled, a progress response or notification. It
   * keeps its place relative to every event response queued around it.
   */
  static Outgoing control(long watchId, long revision, int flags, long compactRevision,
      String cancelReason) {
    return new Outgoing(watchId, revision, List.of(), flags, compactRevision, cancelReason,
        OVERHEAD, null);
  }

  long watchId() {
    return watchId;
  }

  long revision() {
    return revision;
  }

  List<Event> events() {
    return events;
  }

  int flags() {
    return flags;
  }

  long compactRevision() {
    return compactRevision;
  }

  String cancelReason() {
    return cancelReason;
  }

  long bytes() {
    return bytes;
  }

  boolean fragmentable() {
    return (flags & FRAGMENTABLE) != 0;
  }

  /** Whether {@code later} (the same watcher's next events) fits in this response. */
  boolean canAbsorb(Outgoing later, int maxRevisions, long maxBytes) {
    return revisions + later.revisions <= maxRevisions
        && bytes + later.bytes - OVERHEAD <= maxBytes;
  }

  /** Appends the same watcher's later events; the header moves to their revision. */
  void absorb(Outgoing later) {
    if (!ownsEvents) {
      List<Event> copy = new ArrayList<>(Math.max(16, 2 * (events.size() + later.events.size())));
      copy.addAll(events);
      events = copy;
      ownsEvents = true;
    }
    events.addAll(later.events);
    revision = later.revision;
    revisions += later.revisions;
    bytes += later.bytes - OVERHEAD;
  }

  WatchResponse toResponse(ResponseHeader header) {
    WatchResponse.Builder b = WatchResponse.newBuilder().setHeader(header).setWatchId(watchId);
    if ((flags & CREATED) != 0) {
      b.setCreated(true);
    }
    if ((flags & CANCELED) != 0) {
      b.setCanceled(true);
    }
    if (compactRevision != 0) {
      b.setCompactRevision(compactRevision);
    }
    if (!cancelReason.isEmpty()) {
      b.setCancelReason(cancelReason);
    }
    return b.addAllEvents(events).build();
  }
}
