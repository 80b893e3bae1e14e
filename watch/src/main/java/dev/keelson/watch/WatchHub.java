package dev.keelson.watch;

import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.mvcc.RevisionEvents;
import dev.keelson.store.raft.KvStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master's watch hub, fed by the state machine in apply order (etcd's watchableStore).
 *
 * <p>Every watcher is in one of two groups. <b>Synced</b> watchers have been offered every
 * matching event up to {@link #lastRevision()}; {@link #applied} hands them each new revision
 * at once. <b>Unsynced</b> watchers started in the past, or fell behind because their stream's
 * queue was full; the catch-up step ({@link #runOnce}, see {@link CatchUpStep}) feeds them
 * whole revisions from the in-memory {@link EventWindow} or, further back, from the store's
 * change log, and moves them to synced under the lock once they reach the last revision — so
 * between catch-up and live delivery no revision is lost or sent twice. Apply never waits for
 * a client: a full queue only moves the watcher to unsynced (etcd's victims, without holding
 * the events: they are read again from the window or the store).
 *
 * <p>Locking: one lock, {@link HubState#lock}, guards all bookkeeping (lock order there).
 *
 * <p>Threads: the apply thread ({@link #applied}, {@link #compacted}, {@link #storeOpened}),
 * gRPC threads (create, cancel, progress, stream end), the catch-up thread ({@link #start}),
 * and the send pool the {@link WatchService} streams write from. Tests call {@link #runOnce}
 * and {@link #notifyProgress} themselves instead of starting the thread.
 */
public final class WatchHub implements KvStateMachine.StoreListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
  static final String ERR_EMPTY_RANGE = "mvcc: watcher range is empty";
  static final String ERR_DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final String nodeId;
  private final WatchConfig config;
  private final HubState hub;
  private final CatchUpStep catchUp;
  private final ExecutorService sendPool;
  private final Object signal = new Object();
  /** Guarded by {@link #signal}. */
  private boolean signaled;
  private volatile Thread syncThread;

  public WatchHub(String nodeId, WatchConfig config) {
    this.nodeId = nodeId;
    this.config = config;
    this.hub = new HubState(config);
    this.catchUp = new CatchUpStep(hub, config, nodeId);
    AtomicInteger n = new AtomicInteger();
    this.sendPool = Executors.newFixedThreadPool(config.sendThreads(), r -> {
      Thread t = new Thread(r, "watch-send-" + nodeId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the catch-up and progress-notify thread. */
  public WatchHub start() {
    Thread t = new Thread(this::loop, "watch-sync-" + nodeId);
    t.setDaemon(true);
    syncThread = t;
    t.start();
    return this;
  }

  WatchConfig config() {
    return config;
  }

  ExecutorService sendPool() {
    return sendPool;
  }

  /** The newest revision the hub has handed to synced watchers. */
  public long lastRevision() {
    return hub.locked(() -> hub.lastRev);
  }

  /** Watchers catching up (started in the past, or fell behind); for metrics and tests. */
  public int unsyncedCount() {
    return hub.locked(hub.unsynced::size);
  }

  /** Watchers receiving events as they are applied; for metrics and tests. */
  public int syncedCount() {
    return hub.locked(hub.synced::size);
  }

  long windowCoveredFrom() {
    return hub.locked(hub.window::coveredFrom);
  }

  // ---- state machine side (apply thread) ----------------------------------------------

  /** The store was opened or replaced: forget the window; whoever is behind catches up. */
  @Override
  public void storeOpened(MvccStore s) {
    hub.lock.lock();
    try {
      hub.store = s;
      hub.generation++;
      long oldLast = hub.lastRev;
      hub.lastRev = s.currentRevision();
      hub.compactRev = Math.max(hub.compactRev, s.compactRevision());
      hub.window.reset(hub.lastRev + 1);
      List<Watcher> behind = new ArrayList<>();
      hub.synced.forEach(w -> {
        if (Math.max(w.nextRev, oldLast + 1) <= hub.lastRev) {
          behind.add(w);
        }
      });
      behind.forEach(w -> hub.toUnsynced(w, Math.max(w.nextRev, oldLast + 1)));
      LOG.info("[{}] watch hub on store at revision {} (was {}); {} watchers to catch up",
          nodeId, hub.lastRev, oldLast, hub.unsynced.size());
    } finally {
      hub.lock.unlock();
    }
    wakeSync();
  }

  /**
   * One applied revision: into the window, and queued for every synced watcher of its keys; the
   * senders are woken at the end of the entry ({@link #entryApplied}).
   */
  @Override
  public void applied(RevisionEvents changes) {
    hub.lock.lock();
    try {
      if (hub.closed || changes.revision() <= hub.lastRev) {
        return;
      }
      if (changes.revision() != hub.lastRev + 1) {
        // never expected; stay correct anyway: what was skipped comes from the store
        LOG.warn("[{}] watch hub got revision {} after {}", nodeId, changes.revision(),
            hub.lastRev);
        List<Watcher> all = new ArrayList<>();
        hub.synced.forEach(all::add);
        long from = hub.lastRev + 1;
        all.forEach(w -> hub.toUnsynced(w, Math.max(w.nextRev, from)));
        hub.window.reset(changes.revision());
      }
      RevisionEntry e = new RevisionEntry(changes);
      hub.window.append(e);
      hub.lastRev = e.revision;
      if (hub.synced.size() > 0) {
        hub.publish(e);
      }
    } catch (RuntimeException ex) {
      // never into the apply thread
      LOG.error("[{}] watch hub failed to publish revision {}", nodeId, changes.revision(), ex);
    } finally {
      hub.lock.unlock();
    }
  }

  /**
   * The entry's revisions are all queued: wake the senders of the streams they went to. Waiting
   * for the end of the entry lets a batch entry's revisions leave as one response per watcher.
   */
  @Override
  public void entryApplied(long index) {
    wakeSenders();
  }

  private void wakeSenders() {
    List<WatchStream> wake = hub.locked(() -> {
      if (hub.toWake.isEmpty()) {
        return List.of();
      }
      List<WatchStream> all = new ArrayList<>(hub.toWake);
      hub.toWake.clear();
      return all;
    });
    wake.forEach(WatchStream::wake);
  }

  @Override
  public void compacted(long compactRevision) {
    boolean wake = hub.locked(() -> {
      hub.compactRev = Math.max(hub.compactRev, compactRevision);
      return !hub.unsynced.isEmpty();
    });
    if (wake) {
      wakeSync();
    }
  }

  // ---- client side (gRPC threads) -----------------------------------------------------

  /** Opens a stream; {@code senderWakeup} runs whenever a response is queued on it. */
  WatchStream openStream(Runnable senderWakeup) {
    WatchStream s = new WatchStream(config, senderWakeup, this::wakeSync);
    boolean open = hub.locked(() -> !hub.closed && hub.streams.add(s));
    if (!open) {
      s.terminate();
    }
    return s;
  }

  /**
   * etcd 3.4's create: answers created (and canceled, with etcd's reason, if refused) at the
   * last revision, then registers the watcher — synced if it starts after the last revision,
   * unsynced otherwise. Start 0 means the last revision + 1; a negative start means 1.
   */
  void create(WatchStream s, WatchCreateRequest r) {
    var key = Keys.key(r.getKey());
    var end = Keys.end(r.getRangeEnd());
    int options = (r.getPrevKv() ? Watcher.PREV_KV : 0)
        | (r.getProgressNotify() ? Watcher.PROGRESS_NOTIFY : 0)
        | (r.getFragment() ? Watcher.FRAGMENT : 0);
    for (WatchCreateRequest.FilterType f : r.getFiltersList()) {
      options |= f == WatchCreateRequest.FilterType.NOPUT ? Watcher.NO_PUT
          : f == WatchCreateRequest.FilterType.NODELETE ? Watcher.NO_DELETE : 0;
    }
    int opts = options;
    boolean unsynced = hub.locked(() -> {
      if (hub.closed || s.closed) {
        return false;
      }
      long rev = hub.lastRev;
      int refused = Outgoing.CREATED | Outgoing.CANCELED;
      if (Keys.emptyRange(key, end)) {
        s.offerControl(Outgoing.control(-1, rev, refused, 0, ERR_EMPTY_RANGE));
        return false;
      }
      long id = r.getWatchId();
      if (id != 0 && s.watchers.containsKey(id)) {
        s.offerControl(Outgoing.control(-1, rev, refused, 0, ERR_DUPLICATE_ID));
        return false;
      }
      if (id == 0) {
        while (s.watchers.containsKey(s.nextAutoId)) {
          s.nextAutoId++;
        }
        id = s.nextAutoId++;
      }
      long start = r.getStartRevision() == 0 ? rev + 1 : Math.max(1, r.getStartRevision());
      Watcher w = new Watcher(id, s, key, end, opts, start);
      s.watchers.put(id, w);
      if (w.has(Watcher.PROGRESS_NOTIFY)) {
        s.progressNotifyWatchers++;
      }
      s.offerControl(Outgoing.control(id, rev, Outgoing.CREATED, 0, ""));
      if (start > hub.lastRev) {
        w.state(Watcher.SYNCED);
        hub.synced.add(w);
        return false;
      }
      hub.toUnsynced(w, start);
      return true;
    });
    if (unsynced) {
      wakeSync();
    }
  }

  /** etcd 3.4's cancel: acknowledged with canceled; an unknown id gets no answer. */
  void cancel(WatchStream s, long id) {
    hub.locked(() -> {
      Watcher w = s.watchers.remove(id);
      if (w != null && !hub.closed) {
        hub.drop(w);
        s.offerControl(Outgoing.control(id, hub.lastRev, Outgoing.CANCELED, 0, ""));
      }
      return null;
    });
  }

  /**
   * A progress request: a response with watch id -1 at the last revision, queued once every
   * watcher of the stream is synced, so that every event up to that revision is queued before
   * it (etcd 3.4 answers at once, even while a watcher is behind).
   */
  void requestProgress(WatchStream s) {
    hub.locked(() -> {
      if (!hub.closed && !s.closed) {
        s.progressPending = true;
        hub.answerProgress(s);
      }
      return null;
    });
  }

  /** The stream ended: its watchers go, its queue is dropped. */
  void closeStream(WatchStream s) {
    boolean first = hub.locked(() -> {
      if (s.closed) {
        return false;
      }
      s.closed = true;
      s.watchers.values().forEach(hub::drop);
      s.watchers.clear();
      hub.streams.remove(s);
      return true;
    });
    if (first) {
      s.terminate();
    }
  }

  // ---- background work -------------------------------------------------------------------

  /** One catch-up step (see {@link CatchUpStep}); returns whether anything changed. */
  boolean runOnce() {
    return catchUp.run();
  }

  /**
   * etcd's progress ticker: every synced progress_notify watcher that got no events since the
   * previous tick gets an empty response at the last revision (skipped if its queue is full).
   */
  void notifyProgress() {
    hub.locked(() -> {
      for (WatchStream s : hub.streams) {
        if (s.progressNotifyWatchers == 0) {
          continue;
        }
        for (Watcher w : s.watchers.values()) {
          if (!w.has(Watcher.PROGRESS_NOTIFY)) {
            continue;
          }
          if (w.state() == Watcher.SYNCED && !w.eventsSinceTick()) {
            s.offer(Outgoing.control(w.id, hub.lastRev, 0, 0, ""));
          }
          w.eventsSinceTick(false);
        }
      }
      return null;
    });
  }

  void wakeSync() {
    synchronized (signal) {
      signaled = true;
      signal.notifyAll();
    }
  }

  /** Catch-up steps back to back while they make progress, else every syncInterval or wake-up. */
  private void loop() {
    long syncNanos = config.syncInterval().toNanos();
    long tickNanos = config.progressNotifyInterval().toNanos();
    long nextTick = System.nanoTime() + tickNanos;
    while (!hub.locked(() -> hub.closed)) {
      boolean worked = false;
      try {
        wakeSenders(); // in case an apply thread stopped between a revision and its entry's end
        worked = runOnce();
        if (System.nanoTime() - nextTick >= 0) {
          notifyProgress();
          nextTick = System.nanoTime() + tickNanos;
        }
      } catch (RuntimeException e) {
        LOG.error("[{}] watch catch-up step failed", nodeId, e);
      }
      if (worked && unsyncedCount() > 0) {
        continue;
      }
      long waitNanos = Math.max(1, Math.min(syncNanos, nextTick - System.nanoTime()));
      synchronized (signal) {
        try {
          if (!signaled) {
            TimeUnit.NANOSECONDS.timedWait(signal, waitNanos);
          }
        } catch (InterruptedException e) {
          return;
        }
        signaled = false;
      }
    }
  }

  /** Ends every stream (their clients reconnect elsewhere) and stops the threads. */
  @Override
  public void close() {
    List<WatchStream> open = hub.locked(() -> {
      if (hub.closed) {
        return null;
      }
      hub.closed = true;
      List<WatchStream> all = new ArrayList<>(hub.streams);
      hub.streams.clear();
      return all;
    });
    if (open == null) {
      return;
    }
    open.forEach(WatchStream::terminate);
    wakeSync();
    try {
      Thread t = syncThread;
      if (t != null) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
      sendPool.shutdown();
      sendPool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sendPool.shutdownNow();
    LOG.info("[{}] watch hub closed", nodeId);
  }
}
