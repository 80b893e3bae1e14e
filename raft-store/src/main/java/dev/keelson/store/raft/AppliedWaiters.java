package dev.keelson.store.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures that complete once this master has applied a given Raft index: a write's reply waits
 * for the local apply, as etcd's does, so that a client's next request to the same master (a
 * serializable read, a watch, a lease time-to-live) sees its write.
 */
final class AppliedWaiters {
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
  private long applied;

  /** Completes when {@link #advance} has reached {@code index}. */
  synchronized CompletableFuture<Void> await(long index) {
    if (index <= applied) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(f);
    return f;
  }

  /** The apply thread reached {@code index}; waiters are completed outside the lock. */
  void advance(long index) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      if (index <= applied) {
        return;
      }
      applied = index;
      Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(index, true);
      head.values().forEach(ready::addAll);
      head.clear();
    }
    ready.forEach(f -> f.complete(null));
  }
}
