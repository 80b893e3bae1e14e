package dev.keelson.store.mvcc;

import dev.keelson.etcd.mvccpb.Event;
import java.util.List;

/**
 * The events one revision produced, in the order its transaction made them. A PUT event's kv is
 * the new version; a DELETE event's kv holds only the key and the revision, as etcd's does.
 * prev_kv is set whenever the key existed before.
 */
public record RevisionEvents(long revision, List<Event> events) {
  public RevisionEvents {
    if (revision < 1) {
      throw new IllegalArgumentException("revision " + revision);
    }
    events = List.copyOf(events);
  }
}
