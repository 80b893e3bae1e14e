package dev.keelson.watch;

import dev.keelson.store.mvcc.MvccStore;
import java.util.ArrayList;
import java.util.List;

/**
 * One catch-up step for unsynced watchers (etcd's syncWatchers), in three phases so that the
 * hub lock is never held while reading the store or matching events:
 * <ol>
 *   <li>under the lock, {@link #plan}: cancel watchers whose next revision was compacted, move
 *       to synced those with nothing left to get, and choose up to maxWatchersPerSync others
 *       whose stream has room, split into those the window can serve and those it cannot;
 *   <li>without it: read one bounded batch of the change log if the window does not reach
 *       back far enough, and match the events against the chosen ({@link CatchUp#collect});
 *   <li>under the lock again, {@link #deliver}: for every chosen watcher still where it was,
 *       queue its batch and advance it; those that reached the last revision become synced
 *       then and there, so the next applied revision reaches them live — no gap, no repeat.
 * </ol>
 */
final class CatchUpStep {
  private final HubState hub;
  private final WatchConfig config;
  private final String nodeId;

  CatchUpStep(HubState hub, WatchConfig config, String nodeId) {
    this.hub = hub;
    this.config = config;
    this.nodeId = nodeId;
  }

  /** What phase 1 decided, for phases 2 and 3. */
  private record Plan(long generation, MvccStore store, long upTo, long compactRev,
      List<CatchUp.Chosen> fromWindow, List<RevisionEntry> windowEntries,
      List<CatchUp.Chosen> fromStore, long storeFrom, boolean worked) {}

  /** Runs one step; returns whether anything changed (so another step may do more at once). */
  boolean run() {
    Plan plan = hub.locked(this::plan);
    if (plan == null) {
      return false;
    }
    List<CatchUp.Batch> windowBatches = plan.fromWindow().isEmpty() ? List.of()
        : CatchUp.collect(plan.fromWindow(), plan.windowEntries(), plan.upTo(),
            plan.compactRev(), config.maxRevisionsPerResponse(), config.maxResponseBytes());
    List<CatchUp.Batch> storeBatches = List.of();
    if (!plan.fromStore().isEmpty()) {
      StoreReader.Read read = StoreReader.read(plan.store(), plan.storeFrom(), plan.upTo(),
          config.storeBatchEvents(), nodeId);
      if (read != null) {
        storeBatches = CatchUp.collect(plan.fromStore(), read.entries(), read.end(),
            plan.compactRev(), config.maxRevisionsPerResponse(), config.maxResponseBytes());
      }
    }
    List<CatchUp.Batch> fromStore = storeBatches;
    return hub.locked(() -> plan.worked()
        | deliver(plan, plan.fromWindow(), windowBatches)
        | deliver(plan, plan.fromStore(), fromStore));
  }

  private Plan plan() {
    if (hub.closed || hub.store == null || hub.unsynced.isEmpty()) {
      return null;
    }
    hub.compactRev = Math.max(hub.compactRev, hub.store.compactRevision());
    List<Watcher> compacted = new ArrayList<>();
    List<Watcher> caughtUp = new ArrayList<>();
    List<CatchUp.Chosen> fromWindow = new ArrayList<>();
    List<CatchUp.Chosen> fromStore = new ArrayList<>();
    long windowFrom = Long.MAX_VALUE;
    long storeFrom = Long.MAX_VALUE;
    int budget = config.maxWatchersPerSync();
    for (Watcher w : hub.unsynced) {
      if (w.nextRev < hub.compactRev) {
        compacted.add(w);
      } else if (w.nextRev > hub.lastRev) {
        caughtUp.add(w);
      } else if (budget > 0 && w.stream.roomForCatchUp()) {
        budget--;
        if (w.nextRev >= hub.window.coveredFrom()) {
          fromWindow.add(new CatchUp.Chosen(w, w.nextRev));
          windowFrom = Math.min(windowFrom, w.nextRev);
        } else {
          fromStore.add(new CatchUp.Chosen(w, w.nextRev));
          storeFrom = Math.min(storeFrom, w.nextRev);
        }
      }
    }
    compacted.forEach(hub::cancelCompacted);
    caughtUp.forEach(hub::toSynced);
    List<RevisionEntry> entries = fromWindow.isEmpty() ? List.of()
        : hub.window.slice(windowFrom, hub.lastRev);
    return new Plan(hub.generation, hub.store, hub.lastRev, hub.compactRev, fromWindow, entries,
        fromStore, storeFrom, !compacted.isEmpty() || !caughtUp.isEmpty());
  }

  private boolean deliver(Plan plan, List<CatchUp.Chosen> chosen, List<CatchUp.Batch> batches) {
    if (hub.closed || plan.generation() != hub.generation || batches.isEmpty()) {
      return false;
    }
    boolean worked = false;
    for (int i = 0; i < chosen.size(); i++) {
      Watcher w = chosen.get(i).watcher();
      CatchUp.Batch b = batches.get(i);
      if (w.state() != Watcher.UNSYNCED || w.nextRev != chosen.get(i).from()
          || w.nextRev < hub.compactRev || b.nextRev() == w.nextRev) {
        continue; // moved meanwhile, compacted meanwhile, or nothing learned
      }
      if (!b.events().isEmpty()) {
        // etcd 3.4 stamps a catch-up response with the revision it caught up to
        if (!w.stream.offer(Outgoing.events(w, plan.upTo(), b.events(), b.bytes()))) {
          continue;
        }
        w.eventsSinceTick(true);
      }
      worked = true;
      w.nextRev = b.nextRev();
      if (w.nextRev > hub.lastRev) {
        hub.toSynced(w);
      } else {
        hub.unsynced.remove(w); // to the back: others go first next step
        hub.unsynced.add(w);
      }
    }
    return worked;
  }
}
