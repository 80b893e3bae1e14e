package dev.keelson.watch;

import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import java.util.List;

/**
 * One queued watch response, lighter than the proto: the sender stamps the header (cluster,
 * member, term) and builds the {@link WatchResponse} only when the stream can take it.
 *
 * @param watchId the watch, or -1 for a stream-wide progress response
 * @param revision the header revision
 * @param events whole revisions, in order; shared, never modified
 * @param flags {@link #CREATED}, {@link #CANCELED}, {@link #FRAGMENTABLE}
 * @param compactRevision set on the final response of a compacted watch
 * @param cancelReason why a create failed, or empty
 * @param bytes what the queue accounts for this response
 */
record Outgoing(long watchId, long revision, List<Event> events, int flags, long compactRevision,
    String cancelReason, long bytes) {
  static final int CREATED = 1;
  static final int CANCELED = 2;
  static final int FRAGMENTABLE = 4;
  /** Rough fixed cost of a queued response: header, ids, the record itself. */
  static final long OVERHEAD = 64;

  static Outgoing events(Watcher w, long revision, List<Event> events, long eventBytes) {
    return new Outgoing(w.id, revision, events, w.has(Watcher.FRAGMENT) ? FRAGMENTABLE : 0, 0,
        "", OVERHEAD + eventBytes);
  }

  static Outgoing control(long watchId, long revision, int flags, long compactRevision,
      String cancelReason) {
    return new Outgoing(watchId, revision, List.of(), flags, compactRevision, cancelReason,
        OVERHEAD);
  }

  boolean fragmentable() {
    return (flags & FRAGMENTABLE) != 0;
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
