package dev.keelson.watch;

import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.store.mvcc.RevisionEvents;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one revision as the hub hands them out: the store's events (prev_kv set when the
 * key existed) and, made on first need and then shared by every watcher that did not ask for
 * prev_kv, the same events without prev_kv. Immutable but for that lazily made copy, whose
 * racy double creation is harmless.
 */
final class RevisionEntry {
  final long revision;
  private final List<Event> events;
  private volatile List<Event> withoutPrev;
  /** Serialized size of the events with prev_kv (an upper bound for every variant). */
  final long bytes;

  RevisionEntry(RevisionEvents r) {
    this.revision = r.revision();
    this.events = r.events();
    long b = 0;
    for (Event e : events) {
      b += e.getSerializedSize();
    }
    this.bytes = b;
  }

  int size() {
    return events.size();
  }

  Event event(int i) {
    return events.get(i);
  }

  /**
   * The events a watcher gets: with prev_kv only if it asked and, as in etcd (which reads the
   * previous version at revision - 1), only if revision - 1 is not below the compaction revision.
   */
  List<Event> eventsFor(boolean prevKv, long compactRev) {
    return prevKv && revision - 1 >= compactRev ? events : withoutPrev();
  }

  private List<Event> withoutPrev() {
    List<Event> w = withoutPrev;
    if (w == null) {
      boolean any = false;
      for (Event e : events) {
        any |= e.hasPrevKv();
      }
      if (!any) {
        w = events;
      } else {
        List<Event> copy = new ArrayList<>(events.size());
        for (Event e : events) {
          copy.add(e.hasPrevKv() ? e.toBuilder().clearPrevKv().build() : e);
        }
        w = List.copyOf(copy);
      }
      withoutPrev = w;
    }
    return w;
  }
}
