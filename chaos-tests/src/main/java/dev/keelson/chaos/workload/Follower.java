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
    boolean resumed = false;
    while (!stopped && covered < stopAt) {
      EtcdClient m = masters.get(master);
      if (resumed) {
        add(new WatchSession.Resume(covered + 1, m.endpoint()));
      }
      resumed = true;
      try (WatchStream s = new WatchStream(m.channel(), WatchWorkload.PREFIX, covered + 1)) {
        follow(s);
      } catch (InterruptedException e) {
        return;
      }
      master = (master + 1) % masters.size();
    }
  }

  /** Reads the stream until it ends, goes silent, or the watcher has what it needs. */
  private void follow(WatchStream s) throws InterruptedException {
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
          return; // paused or cut off: try another master
        }
        continue;
      }
      if (!(o instanceof WatchResponse r)) {
        return; // the stream ended or failed
      }
      lastHeard = System.nanoTime();
      if (r.getCanceled()) {
        return;
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
