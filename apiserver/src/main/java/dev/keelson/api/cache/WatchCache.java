package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.keelson.api.storage.Page;
import dev.keelson.api.storage.Storage;
import dev.keelson.api.storage.Stored;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.watch.LocalWatch;
import dev.keelson.watch.WatchHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This master's cache of every Kubernetes object (all keys under {@code /registry/}), fed by one
 * watch on its own watch hub: the objects as of {@link #revision()}, and a bounded history of
 * the changes before it, from which REST watches start at a past resourceVersion.
 *
 * <p>It starts from one read of this master's store at some revision R and a watch from R + 1,
 * so it misses no change and sees none twice. If the watch ends (the hub closed, or compaction
 * overtook it) it starts again the same way; watchers open at that moment are closed, and their
 * clients resume from their last resourceVersion, or relist if the history no longer covers it.
 *
 * <p>Locking: {@link #lock} guards everything here; a watcher's queue monitor is taken inside it.
 */
public final class WatchCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);
  static final String PREFIX = "/registry/";
  /**
   * Objects per range while loading ({@code -Dkeelson.api.cache-load-page}, read when a cache is
   * made). Large, because etcd's range counts the whole rest of the range for every page:
   * 250,000 objects take 25 ranges, each counting what is left.
   */
  private final int loadPage = Math.max(1, Integer.getInteger("keelson.api.cache-load-page",
      10_000));
  /** The filter that passes every object: watchers with it never decode an object. */
  public static final Predicate<ObjectNode> EVERYTHING = o -> true;

  private final String nodeId;
  private final WatchHub hub;
  private final Storage storage;
  private final ObjectMapper json;
  private final int historyLimit;
  private final UnaryOperator<ObjectNode> selectableView;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();

  // guarded by lock
  private final TreeMap<String, CachedObject> objects = new TreeMap<>();
  private final ArrayDeque<CacheEvent> history = new ArrayDeque<>();
  /**
   * What the history may hold besides its count: a delete keeps the object's last state and a
   * new copy stamped with the delete's revision, so 100,000 deletes of 1 KiB ConfigMaps kept
   * ~450 MB, most of the default heap ({@code -Dkeelson.api.watch-history-mib}, default 128).
   */
  private final long historyBytesLimit = Math.max(1, Long.getLong(
      "keelson.api.watch-history-mib", 128)) << 20;
  private long historyBytes;
  private final List<CacheWatcher> watchers = new ArrayList<>();
  private long revision;
  /** A watch may start at any revision at or above this one: every later event is in history. */
  private long earliest;
  private boolean ready;
  private boolean closed;
  private LocalWatch feed;
  private long generation;

  /**
   * @param selectableView what filters read of an object (see {@link CachedObject#selectable})
   */
  public WatchCache(String nodeId, WatchHub hub, Storage storage, ObjectMapper json,
      int historyLimit, UnaryOperator<ObjectNode> selectableView) {
    this.nodeId = nodeId;
    this.hub = hub;
    this.storage = storage;
    this.json = json;
    this.historyLimit = historyLimit;
    this.selectableView = selectableView;
  }

  /** Loads the objects and starts following the hub; returns once the cache is ready. */
  public WatchCache start() {
    restart();
    return this;
  }

  private void restart() {
    // the objects held stay served (a list at resourceVersion 0, admission's namespace checks)
    // until the new ones are in, so a reload needs room for both for a moment
    TreeMap<String, CachedObject> loaded = new TreeMap<>();
    long at;
    try {
      at = load(loaded);
    } catch (RuntimeException e) {
      LOG.warn("[{}] watch cache could not load the store; retrying", nodeId, e);
      scheduleRestart();
      return;
    }
    long gen;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      gen = ++generation;
      watchers.forEach(CacheWatcher::terminate);
      watchers.clear();
      objects.clear();
      objects.putAll(loaded); // from a sorted map into an empty one: linear, no comparisons
      history.clear();
      historyBytes = 0;
      revision = at;
      earliest = at;
      ready = true;
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
    int count = loaded.size();
    WatchCreateRequest req = WatchCreateRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(PREFIX))
        .setRangeEnd(ByteString.copyFromUtf8("/registry0"))
        .setStartRevision(at + 1)
        .setPrevKv(true)
        .build();
    LocalWatch w = LocalWatch.open(hub, req, r -> onResponse(gen, r), () -> onEnd(gen));
    lock.lock();
    try {
      if (closed) {
        w.close();
      } else {
        feed = w;
      }
    } finally {
      lock.unlock();
    }
    LOG.info("[{}] watch cache holds {} objects at revision {}", nodeId, count, at);
  }

  /**
   * Reads every object into {@code into}, {@link #loadPage} at a time, all at the revision of
   * the first page; returns that revision. Page by page, the load never holds more than a page of
   * the store's answer besides the objects themselves: one range of 250,000 1 KiB ConfigMaps was
   * 350 MB of response on top of them, and ran a master with the default heap out of memory.
   */
  private long load(TreeMap<String, CachedObject> into) {
    long at = 0;
    String from = null;
    while (true) {
      Page p = storage.list(PREFIX, from, loadPage, at, false).join();
      if (at == 0) {
        at = p.revision(); // a read at the head: the header's revision is the one read
      }
      for (Stored s : p.items()) {
        ObjectNode o = parse(s.value(), s.modRevision());
        if (o != null) {
          into.put(s.key(), CachedObject.of(s.key(), o, s.modRevision(), json, selectableView));
        }
      }
      if (!p.more() || p.items().isEmpty()) {
        return at;
      }
      from = p.items().get(p.items().size() - 1).key() + "\0";
    }
  }

  private void onEnd(long gen) {
    lock.lock();
    try {
      if (closed || gen != generation) {
        return;
      }
      ready = false;
    } finally {
      lock.unlock();
    }
    LOG.info("[{}] watch cache feed ended; reloading", nodeId);
    scheduleRestart();
  }

  private void scheduleRestart() {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(200); // a store that is not serving yet: do not spin
      } catch (InterruptedException e) {
        return;
      }
      restart();
    }, "watch-cache-restart-" + nodeId);
    t.setDaemon(true);
    t.start();
  }

  private void onResponse(long gen, WatchResponse r) {
    if (r.getCanceled() || r.getCompactRevision() > 0) {
      LOG.info("[{}] watch cache feed canceled (compacted at {})", nodeId,
          r.getCompactRevision());
      LocalWatch f;
      lock.lock();
      try {
        f = gen == generation ? feed : null;
      } finally {
        lock.unlock();
      }
      if (f != null) {
        f.close(); // onEnd reloads
      }
      return;
    }
    lock.lock();
    try {
      if (gen != generation || closed) {
        return;
      }
      for (Event e : r.getEventsList()) {
        apply(e);
      }
      // one wake-up per watcher for the whole response: its events go out in one write
      watchers.forEach(CacheWatcher::wakeIfQueued);
      long rev = r.getHeader().getRevision();
      if (rev > revision) {
        revision = rev;
        watchers.forEach(w -> w.progress(rev));
      }
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** One store event: the object map, the history, every watcher. Caller holds the lock. */
  private void apply(Event e) {
    KeyValue kv = e.getKv();
    String key = kv.getKey().toStringUtf8();
    long rev = kv.getModRevision();
    CachedObject prev = objects.get(key);
    if (prev == null && e.hasPrevKv()) {
      ObjectNode p = parse(e.getPrevKv().getValue().toByteArray(), e.getPrevKv().getModRevision());
      prev = p == null ? null : CachedObject.of(key, p, e.getPrevKv().getModRevision(), json,
          selectableView);
    }
    revision = Math.max(revision, rev);
    CacheEvent ce;
    if (e.getType() == Event.EventType.DELETE) {
      objects.remove(key);
      if (prev == null) {
        return;
      }
      ObjectNode last = prev.object();
      last.withObjectProperty("metadata").put("resourceVersion", Long.toString(rev));
      CachedObject gone = CachedObject.of(key, last, rev, json, selectableView);
      ce = new CacheEvent(CacheEvent.Type.DELETED, gone, prev);
    } else {
      ObjectNode o = parse(kv.getValue().toByteArray(), rev);
      if (o == null) {
        return;
      }
      CachedObject now = CachedObject.of(key, o, rev, json, selectableView);
      objects.put(key, now);
      ce = new CacheEvent(prev == null ? CacheEvent.Type.ADDED : CacheEvent.Type.MODIFIED, now,
          prev);
    }
    history.add(ce);
    historyBytes += ce.weight();
    while (history.size() > historyLimit || historyBytes > historyBytesLimit) {
      CacheEvent gone = history.poll();
      historyBytes -= gone.weight();
      earliest = gone.revision();
      while (!history.isEmpty() && history.peek().revision() == gone.revision()) {
        historyBytes -= history.poll().weight();
      }
    }
    for (Iterator<CacheWatcher> it = watchers.iterator(); it.hasNext(); ) {
      if (!it.next().offer(ce)) {
        it.remove();
      }
    }
  }

  private ObjectNode parse(byte[] value, long modRevision) {
    try {
      ObjectNode o = (ObjectNode) json.readTree(value);
      o.withObjectProperty("metadata").put("resourceVersion", Long.toString(modRevision));
      return o;
    } catch (IOException | ClassCastException e) {
      LOG.warn("[{}] skipping an object that is not JSON at revision {}", nodeId, modRevision);
      return null;
    }
  }

  /** The revision the cache is at: it holds every change up to it. 0 before it is ready. */
  public long revision() {
    lock.lock();
    try {
      return ready ? revision : 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the cache has seen revision {@code rev} (asking the hub for progress when it has
   * nothing newer to say); false if it did not within the timeout.
   */
  public boolean awaitRevision(long rev, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    boolean asked = false;
    lock.lock();
    try {
      while (!ready || revision < rev) {
        if (ready && !asked && feed != null) {
          asked = true;
          LocalWatch f = feed;
          lock.unlock();
          try {
            f.requestProgress();
          } finally {
            lock.lock();
          }
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        advanced.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot: the matching objects under {@code prefix}, in key order, and its revision. */
  public Snapshot list(String prefix, Predicate<ObjectNode> filter) {
    lock.lock();
    try {
      List<CachedObject> out = new ArrayList<>();
      for (CachedObject o : objects.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
        if (filter.test(o.selectable())) {
          out.add(o);
        }
      }
      return new Snapshot(out, revision);
    } finally {
      lock.unlock();
    }
  }

  /** The object under {@code key} as the cache has it, or null. */
  public CachedObject get(String key) {
    lock.lock();
    try {
      return objects.get(key);
    } finally {
      lock.unlock();
    }
  }

  /** Objects as of one revision. */
  public record Snapshot(List<CachedObject> items, long revision) {}

  /** Why a watch could not start. */
  public static final class TooOldException extends Exception {
    private final long earliest;

    TooOldException(long requested, long earliest) {
      super("too old resource version: " + requested + " (" + earliest + ")");
      this.earliest = earliest;
    }

    public long earliest() {
      return earliest;
    }
  }

  /**
   * Starts a watch of the objects under {@code prefix} that pass {@code filter}. From revision
   * {@code from} (exclusive) when {@code from > 0}: every later change, replayed from history
   * (fails if history does not reach back so far); else ({@code from == 0}) the current objects
   * as ADDED events, then every change.
   */
  public CacheWatcher watch(String prefix, Predicate<ObjectNode> filter, long from, int capacity,
      Runnable wakeup) throws TooOldException {
    lock.lock();
    try {
      if (!ready) {
        throw new TooOldException(from, revision);
      }
      if (from > 0 && from < earliest) {
        throw new TooOldException(from, earliest);
      }
      CacheWatcher w = new CacheWatcher(this, prefix, filter,
          Math.max(capacity, from == 0 ? objects.size() + capacity : capacity), wakeup,
          from == 0 ? revision : from);
      if (from == 0) {
        for (CachedObject o : objects.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
          if (filter.test(o.selectable())) {
            w.add(new CacheEvent(CacheEvent.Type.ADDED, o, null));
          }
        }
        w.progress(revision);
      } else {
        for (CacheEvent e : history) {
          if (e.revision() > from && !w.offer(e)) {
            return w;
          }
        }
        w.progress(revision);
      }
      w.wakeIfQueued();
      watchers.add(w);
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** The number of open watchers (metrics, tests). */
  public int watcherCount() {
    lock.lock();
    try {
      return watchers.size();
    } finally {
      lock.unlock();
    }
  }

  void remove(CacheWatcher w) {
    lock.lock();
    try {
      watchers.remove(w);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    LocalWatch f;
    lock.lock();
    try {
      closed = true;
      f = feed;
      watchers.forEach(CacheWatcher::terminate);
      watchers.clear();
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
    if (f != null) {
      f.close();
    }
  }
}
