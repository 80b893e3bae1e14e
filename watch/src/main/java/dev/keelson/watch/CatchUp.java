package dev.keelson.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code maxRevisions} revisions with events or {@code maxBytes} bytes. Watchers that would get
 * the same batch — same key or range, same filters and prev_kv, same starting revision, as the
 * many watchers of one prefix that fell behind together — share one: it is built once and its
 * event list handed to each of them (lists are never modified once built).
 */
final class CatchUp {
  private CatchUp() {}

  /** A watcher chosen for this step, and the revision it needed when chosen. */
  record Chosen(Watcher watcher, long from) {}

  /**
   * What one watcher gets: its events (possibly none) and the revision it needs afterwards.
   */
  record Batch(List<Event> events, long bytes, long nextRev) {}

  /** What decides a watcher's batch, so watchers with equal ones share it. */
  private record Same(ByteString key, ByteString end, int options, long from) {
    static Same of(Chosen c) {
      Watcher w = c.watcher();
      int options = (w.has(Watcher.PREV_KV) ? Watcher.PREV_KV : 0)
          | (w.has(Watcher.NO_PUT) ? Watcher.NO_PUT : 0)
          | (w.has(Watcher.NO_DELETE) ? Watcher.NO_DELETE : 0);
      return new Same(w.key, w.end, options, c.from());
    }
  }

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
    Map<Same, Acc> shared = new HashMap<>();
    List<Acc> perChosen = new ArrayList<>(chosen.size());
    for (Chosen c : chosen) {
      Acc acc = shared.computeIfAbsent(Same.of(c), k -> {
        Acc a = new Acc(c.from());
        group.add(c.watcher()); // the first of its kind matches for all of them
        accs.put(c.watcher(), a);
        return a;
      });
      perChosen.add(acc);
    }
    for (RevisionEntry e : source) {
      for (int i = 0; i < e.size(); i++) {
        int index = i;
        group.forEachWatching(e.event(i).getKv().getKey(), w -> accs.get(w)
            .add(w, e, index, compactRev, maxRevisions, maxBytes));
      }
    }
    List<Batch> out = new ArrayList<>(chosen.size());
    for (int i = 0; i < chosen.size(); i++) {
      Chosen c = chosen.get(i);
      Acc a = perChosen.get(i);
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
