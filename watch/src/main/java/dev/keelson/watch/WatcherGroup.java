package dev.keelson.watch;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A set of watchers indexed for "who watches this key": single-key watchers in a hash map by
 * key, range watchers by range start then range end, so a lookup costs one hash probe plus one
 * visit per distinct range starting at or below the key. Watchers with the same key or the same
 * range share one slot; a slot holds a bare {@link Watcher} until a second one joins.
 *
 * <p>Not thread-safe: the hub's groups are guarded by the hub lock; a catch-up step's group is
 * private to that step.
 */
final class WatcherGroup {
  private final Map<ByteString, Object> singles = new HashMap<>();
  /** range start → (range end, empty meaning unbounded → slot). */
  private final NavigableMap<ByteString, Map<ByteString, Object>> ranges = new TreeMap<>(Keys.ORDER);
  private int size;

  int size() {
    return size;
  }

  void add(Watcher w) {
    if (w.isRange()) {
      Map<ByteString, Object> byEnd = ranges.computeIfAbsent(w.key, k -> new HashMap<>(2));
      byEnd.put(w.end, join(byEnd.get(w.end), w));
    } else {
      singles.put(w.key, join(singles.get(w.key), w));
    }
    size++;
  }

  /** Removes the watcher; false if it was not here. */
  boolean remove(Watcher w) {
    boolean removed;
    if (w.isRange()) {
      Map<ByteString, Object> byEnd = ranges.get(w.key);
      if (byEnd == null) {
        return false;
      }
      removed = leave(byEnd, w.end, w);
      if (byEnd.isEmpty()) {
        ranges.remove(w.key);
      }
    } else {
      removed = leave(singles, w.key, w);
    }
    if (removed) {
      size--;
    }
    return removed;
  }

  /** Calls {@code action} once for every watcher that watches {@code key}. */
  void forEachWatching(ByteString key, Consumer<Watcher> action) {
    visit(singles.get(key), action);
    if (ranges.isEmpty()) {
      return;
    }
    for (Map<ByteString, Object> byEnd : ranges.headMap(key, true).values()) {
      for (Map.Entry<ByteString, Object> e : byEnd.entrySet()) {
        ByteString end = e.getKey();
        if (end.isEmpty() || Keys.compare(key, end) < 0) {
          visit(e.getValue(), action);
        }
      }
    }
  }

  /** Calls {@code action} for every watcher in the group. */
  void forEach(Consumer<Watcher> action) {
    singles.values().forEach(slot -> visit(slot, action));
    ranges.values().forEach(byEnd -> byEnd.values().forEach(slot -> visit(slot, action)));
  }

  @SuppressWarnings("unchecked")
  private static void visit(Object slot, Consumer<Watcher> action) {
    if (slot == null) {
      return;
    }
    if (slot instanceof Watcher w) {
      action.accept(w);
    } else {
      ((Set<Watcher>) slot).forEach(action);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object join(Object slot, Watcher w) {
    if (slot == null) {
      return w;
    }
    if (slot instanceof Watcher other) {
      Set<Watcher> set = new HashSet<>(4);
      set.add(other);
      set.add(w);
      return set;
    }
    ((Set<Watcher>) slot).add(w);
    return slot;
  }

  @SuppressWarnings("unchecked")
  private static boolean leave(Map<ByteString, Object> map, ByteString k, Watcher w) {
    Object slot = map.get(k);
    if (slot == w) {
      map.remove(k);
      return true;
    }
    if (!(slot instanceof Set)) {
      return false;
    }
    Set<Watcher> set = (Set<Watcher>) slot;
    boolean removed = set.remove(w);
    if (set.size() == 1) {
      map.put(k, set.iterator().next());
    }
    return removed;
  }
}
