package dev.keelson.chaos.workload;

import dev.keelson.chaos.watch.WatchEvent;
import dev.keelson.chaos.watch.WatchSession;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One watcher of the watch workload: follows the prefix on one master and, when its stream
 * ends or stays silent for {@link #SILENCE_MS} (a paused or cut-off master), watches again on
 * the next master from the revision after the last one it knows it has complete. Records what
 * it saw, in order, as a {@link WatchSession}.
 */
final class Follower {
  private static final long SILENCE_MS = 5_000;
  private static final long PROGRESS_EVERY_MS = 1_000;
  private static final long RETRY_MS = 200;

  private final String name;
  private final List<EtcdClient> masters;
  private final long firstRevision;
  private final List<WatchSession.Item> items = new ArrayList<>();
  private final Thread thread;
  private int master;
  /** The newest revision it knows it has every event up to. */
  private volatile long covered;
  private volatile long stopAt = Long.MAX_VALUE;
  private volatile boolean stopped;

  Follower(String name, List<EtcdClient> masters, int first, long firstRevision) {
    this.name = name;
    this.masters = masters;
    this.master = first;
    this.firstRevision = firstRevision;
    this.covered = firstRevision - 1;
    this.thread = new Thread(this::run, "watch-" + name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private synchronized void add(WatchSession.Item item) {
    items.add(item);
  }

  synchronized WatchSession session() {
    return new WatchSession(name, WatchWorkload.PREFIX, firstRevision, items);
  }

  private void run() {
    boolean first = true;
    while (!stopped && covered < stopAt) {
      EtcdClient m = masters.get(master);
      boolean created;
      try (WatchStream s = new WatchStream(m.channel(), WatchWorkload.PREFIX, covered + 1)) {
        created = follow(s, first ? null : m.endpoint());
        if (!created) {
          Thread.sleep(RETRY_MS); // that master is down or cut off: pace the attempts
        }
      } catch (InterruptedException e) {
        return;
      }
      first &= !created;
      master = (master + 1) % masters.size();
    }
  }

  /**
   * Reads the stream until it ends, goes silent, or the watcher has what it needs; a
   * resumption ({@code resumedAt} not null) is recorded once the server has created the watch.
   *
   * @return whether the watch was created
   */
  private boolean follow(WatchStream s, String resumedAt) throws InterruptedException {
    boolean created = false;
    long lastHeard = System.nanoTime();
    long lastAsked = 0;
    while (!stopped && covered < stopAt) {
      long now = System.nanoTime();
      if (now - lastAsked > PROGRESS_EVERY_MS * 1_000_000) {
        s.requestProgress();
        lastAsked = now;
      }
      Object o = s.poll(200);
      if (o == null) {
        if (System.nanoTime() - lastHeard > SILENCE_MS * 1_000_000) {
          return created; // paused or cut off: try another master
        }
        continue;
      }
      if (!(o instanceof WatchResponse r)) {
        return created; // the stream ended or failed
      }
      lastHeard = System.nanoTime();
      if (r.getCanceled()) {
        return created;
      }
      if (r.getCreated()) {
        created = true;
        if (resumedAt != null) {
          add(new WatchSession.Resume(covered + 1, resumedAt));
        }
        continue;
      }
      if (r.getEventsCount() > 0) {
        List<WatchEvent> events = WatchStream.events(r);
        add(new WatchSession.Response(r.getHeader().getRevision(), events));
        covered = Math.max(covered, events.get(events.size() - 1).revision());
      } else if (WatchStream.isProgress(r)) {
        add(new WatchSession.Progress(r.getHeader().getRevision()));
        covered = Math.max(covered, r.getHeader().getRevision());
      }
    }
    return created;
  }

  /** Lets it run until it has everything up to {@code revision}, at most {@code bound}. */
  void finishAt(long revision, Duration bound) {
    stopAt = revision;
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopped = true;
  }
}
