package dev.keelson.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Like etcd's watcherBatch, a watcher's batch holds whole revisions only and stops after the
 * revision that reaches {@code maxRevisions} revisions with events or {@code maxBytes} bytes.
 * Watchers of one kind — same key or range, same filters and prev_kv, as the many watchers of
 * one prefix that fell behind one after another — are matched once: the events of that kind are
 * collected into one list from the smallest revision any of them needs, and each watcher's batch
 * is a view of that list from its own revision (the same view for the same revision). So a step
 * costs one match per event and kind, not one per event and watcher. Lists are never modified
 * once built.
 */
final class CatchUp {
  private CatchUp() {}

  /** A watcher chosen for this step, and the revision it needed when chosen. */
  record Chosen(Watcher watcher, long from) {}

  /**
   * What one watcher gets: its events (possibly none) and the revision it needs afterwards.
   */
  record Batch(List<Event> events, long bytes, long nextRev) {}

  /** What decides which events a watcher gets, whatever revision it starts from. */
  private record Kind(ByteString key, ByteString end, int options) {
    static Kind of(Watcher w) {
      int options = (w.has(Watcher.PREV_KV) ? Watcher.PREV_KV : 0)
          | (w.has(Watcher.NO_PUT) ? Watcher.NO_PUT : 0)
          | (w.has(Watcher.NO_DELETE) ? Watcher.NO_DELETE : 0);
      return new Kind(w.key, w.end, options);
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
    Map<Kind, Matched> kinds = new HashMap<>();
    Map<Watcher, Matched> byFirst = new IdentityHashMap<>();
    List<Matched> perChosen = new ArrayList<>(chosen.size());
    for (Chosen c : chosen) {
      Matched m = kinds.computeIfAbsent(Kind.of(c.watcher()), k -> {
        Matched n = new Matched(c.watcher());
        group.add(c.watcher()); // the first of its kind matches for all of them
        byFirst.put(c.watcher(), n);
        return n;
      });
      m.from = Math.min(m.from, c.from());
      perChosen.add(m);
    }
    for (RevisionEntry e : source) {
      for (int i = 0; i < e.size(); i++) {
        int index = i;
        group.forEachWatching(e.event(i).getKv().getKey(),
            w -> byFirst.get(w).add(e, index, compactRev));
      }
    }
    List<Batch> out = new ArrayList<>(chosen.size());
    for (int i = 0; i < chosen.size(); i++) {
      out.add(perChosen.get(i).batch(chosen.get(i).from(), sourceEnd, maxRevisions, maxBytes));
    }
    return out;
  }

  /** The events one kind of watcher gets, from the smallest revision any of them needs. */
  private static final class Matched {
    private final Watcher first;
    long from = Long.MAX_VALUE;
    private final List<Event> events = new ArrayList<>();
    private long bytes;
    /** Per revision with events, in order: the revision, its first event, the bytes before it. */
    private long[] revisions = new long[16];
    private int[] starts = new int[16];
    private long[] bytesBefore = new long[16];
    private int count;
    /** Batches made so far, by the index of their first revision: equal starts share one. */
    private final Map<Integer, List<Event>> views = new HashMap<>();

    Matched(Watcher first) {
      this.first = first;
    }

    void add(RevisionEntry e, int index, long compactRev) {
      if (e.revision < from) {
        return;
      }
      Event ev = e.eventsFor(first.has(Watcher.PREV_KV), compactRev).get(index);
      if (!first.accepts(ev)) {
        return;
      }
      if (count == 0 || revisions[count - 1] != e.revision) {
        if (count == revisions.length) {
          revisions = Arrays.copyOf(revisions, 2 * count);
          starts = Arrays.copyOf(starts, 2 * count);
          bytesBefore = Arrays.copyOf(bytesBefore, 2 * count);
        }
        revisions[count] = e.revision;
        starts[count] = events.size();
        bytesBefore[count] = bytes;
        count++;
      }
      events.add(ev);
      bytes += ev.getSerializedSize();
    }

    /** The batch of a watcher of this kind that needs {@code from} next. */
    Batch batch(long from, long sourceEnd, int maxRevisions, long maxBytes) {
      int lo = firstAtOrAbove(from);
      // revisions lo..hi-1 go in: at most maxRevisions, and after the first only while the
      // bytes before them stay below maxBytes
      int hi = lo + Math.min(count - lo, maxRevisions);
      int over = lo + 1;
      int top = hi;
      while (over < top) { // the first revision after lo whose bytes before reach maxBytes
        int mid = (over + top) >>> 1;
        if (bytesBefore[mid] - bytesBefore[lo] >= maxBytes) {
          top = mid;
        } else {
          over = mid + 1;
        }
      }
      hi = Math.min(hi, over);
      long next = hi < count ? revisions[hi] : Math.max(from, sourceEnd + 1);
      if (lo == hi) {
        return new Batch(List.of(), 0, next);
      }
      int endEvent = hi < count ? starts[hi] : events.size();
      long endBytes = hi < count ? bytesBefore[hi] : bytes;
      int start = starts[lo];
      List<Event> view = views.computeIfAbsent(lo, k -> start == 0 && endEvent == events.size()
          ? events : events.subList(start, endEvent));
      return new Batch(view, endBytes - bytesBefore[lo], next);
    }

    /** The index of the first revision at or above {@code rev}, or {@code count}. */
    private int firstAtOrAbove(long rev) {
      int i = Arrays.binarySearch(revisions, 0, count, rev);
      return i >= 0 ? i : -i - 1;
    }
  }
}
