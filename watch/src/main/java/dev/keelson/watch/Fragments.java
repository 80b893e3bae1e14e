package dev.keelson.watch;

import com.google.protobuf.CodedOutputStream;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd 3.4's sendFragments: a response of at least {@code limit} bytes with two or more events
 * is cut into responses that each stay under the limit (or hold a single event), all with the
 * same header and watch id, {@code fragment} set on all but the last. Events are never split.
 */
final class Fragments {
  private static final int EVENTS_FIELD = WatchResponse.EVENTS_FIELD_NUMBER;

  private Fragments() {}

  static List<WatchResponse> split(WatchResponse r, int limit) {
    if (r.getSerializedSize() < limit || r.getEventsCount() < 2) {
      return List.of(r);
    }
    WatchResponse base = r.toBuilder().clearEvents().setFragment(true).build();
    int baseSize = base.getSerializedSize();
    List<WatchResponse> out = new ArrayList<>();
    List<Event> cur = new ArrayList<>();
    int size = baseSize;
    for (Event e : r.getEventsList()) {
      int es = CodedOutputStream.computeMessageSize(EVENTS_FIELD, e);
      if (!cur.isEmpty() && size + es >= limit) {
        out.add(base.toBuilder().addAllEvents(cur).build());
        cur = new ArrayList<>();
        size = baseSize;
      }
      cur.add(e);
      size += es;
    }
    out.add(base.toBuilder().addAllEvents(cur).setFragment(false).build());
    return out;
  }
}
