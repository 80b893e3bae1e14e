package dev.keelson.watch;

import dev.keelson.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure part of a catch-up step: given unsynced watchers, each with the revision it needs
 * next, and a run of consecutive revisions, compute what each watcher gets. Runs without the
 * hub lock (watchers' keys and options are immutable; their positions are passed in), so reading
 * and matching never delay the apply thread.
 *
 * <p>Like etcd's watcherBatch: the events are matched once against a group of all the watchers,
 * and a watcher's batch holds whole revisions only and stops after the revision that reaches
 * {@code maxRevisions} revisions with events or {@code maxBytes} bytes.
 */
final class CatchUp {
  private CatchUp() {}

  /** A watcher chosen for this step, and the revision it needed when chosen. */
  record Chosen(Watcher watcher, long from) {}

  /**
   * What one watcher gets: its events (possibly none) and the revision it needs afterwards.
   */
  record Batch(List<Event> events, long bytes, long nextRev) {}

  /**
   * Matches {@code source} — every revision from the smallest {@code from} of the chosen
   * watchers up to {@code sourceEnd}, in order — against the chosen watchers.
   *
   * @param compactRev decides, per revision, whether prev_kv can be given (see RevisionEntry)
   * @return one batch per chosen watcher, in the same order
   */
  static List<Batch> collect(List<Chosen> chosen, List<RevisionEntry> source, long sourceEnd,
      long compactRev, int maxRevisions, long maxBytes) {
    WatcherGroup group = new WatcherGroup();
    Map<Watcher, Acc> accs = new IdentityHashMap<>(chosen.size() * 2);
    for (Chosen c : chosen) {
      group.add(c.watcher());
      accs.put(c.watcher(), new Acc(c.from()));
    }
    for (RevisionEntry e : source) {
      for (int i = 0; i < e.size(); i++) {
        int index = i;
        group.forEachWatching(e.event(i).getKv().getKey(), w -> accs.get(w)
            .add(w, e, index, compactRev, maxRevisions, maxBytes));
      }
    }
    List<Batch> out = new ArrayList<>(chosen.size());
    for (Chosen c : chosen) {
      Acc a = accs.get(c.watcher());
      long next = a.moreRev != 0 ? a.moreRev : Math.max(c.from(), sourceEnd + 1);
      out.add(new Batch(a.events == null ? List.of() : a.events, a.bytes, next));
    }
    return out;
  }

  /** One watcher's batch under construction. */
  private static final class Acc {
    final long from;
    List<Event> events;
    long bytes;
    int revisions;
    long lastRev;
    /** The first revision left out because the batch was full; 0 while it is not. */
    long moreRev;

    Acc(long from) {
      this.from = from;
    }

    void add(Watcher w, RevisionEntry e, int index, long compactRev, int maxRevisions,
        long maxBytes) {
      if (e.revision < from || moreRev != 0) {
        return;
      }
      Event ev = e.eventsFor(w.has(Watcher.PREV_KV), compactRev).get(index);
      if (!w.accepts(ev)) {
        return;
      }
      if (e.revision != lastRev) {
        if (revisions >= maxRevisions || bytes >= maxBytes) {
          moreRev = e.revision;
          return;
        }
        revisions++;
        lastRev = e.revision;
      }
      if (events == null) {
        events = new ArrayList<>();
      }
      events.add(ev);
      bytes += ev.getSerializedSize();
    }
  }
}
