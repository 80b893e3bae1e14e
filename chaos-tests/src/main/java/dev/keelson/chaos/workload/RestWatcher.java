package dev.keelson.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.chaos.watch.RestEvents;
import dev.keelson.chaos.watch.RestWatchRecording;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One REST watcher of the rest workload, as an informer: lists the namespace's ConfigMaps, then
 * watches from the list's resourceVersion with bookmarks. When its stream ends, fails, or stays
 * silent for {@link #SILENCE_MS} (a paused or cut-off master: with writers busy a live stream
 * is never that quiet), it watches again on the next master from the newest resourceVersion it
 * has seen; after a 410 (that resourceVersion is older than the master's history) it lists
 * again. What it sees goes to its {@link RestWatchRecording}.
 */
final class RestWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(RestWatcher.class);
  private static final long SILENCE_MS = 5_000;
  private static final long RETRY_MS = 200;

  private final String name;
  private final RestClient client;
  private final RestWatchRecording recording;
  private final Thread thread;
  private volatile boolean stopped;

  RestWatcher(String name, RestClient client) {
    this.name = name;
    this.client = client;
    this.recording = new RestWatchRecording(name);
    this.thread = new Thread(this::run, "rest-watch-" + name);
    thread.setDaemon(true);
  }

  RestWatchRecording recording() {
    return recording;
  }

  /** The first list, before the writers start; true once a master answered within bound. */
  boolean listFirst(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (list()) {
        return true;
      }
      client.next();
      Thread.sleep(RETRY_MS); // the API is not serving yet, or this master is behind
    }
    return false;
  }

  void start() {
    thread.start();
  }

  /** Stops it and waits for its thread (up to {@code bound}). */
  void stop(Duration bound) {
    stopped = true;
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether it has seen everything up to {@code revision} (an event, bookmark or list). */
  boolean covers(long revision) {
    return recording.resourceVersion() >= revision;
  }

  private void run() {
    try {
      while (!stopped) {
        End end = follow();
        if (end == End.EXPIRED) {
          LOG.info("{}: resourceVersion {} expired on {}; listing again", name,
              recording.resourceVersion(), client.endpoint());
          if (list()) {
            continue; // watch where it listed
          }
        }
        if (end != End.WATCHED) {
          Thread.sleep(RETRY_MS); // that master is down, behind or cut off: pace the attempts
        }
        client.next();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private enum End { WATCHED, REFUSED, EXPIRED }

  /** One watch, read until it ends, fails, goes silent, or the watcher is stopped. */
  private End follow() throws InterruptedException {
    boolean opened = false;
    try (RestWatchStream s = new RestWatchStream(client, recording.resourceVersion(),
        "rest-watch-" + name + "-stream")) {
      long lastHeard = System.nanoTime();
      while (!stopped) {
        Object o = s.poll(200);
        if (o == null) {
          if (System.nanoTime() - lastHeard > SILENCE_MS * 1_000_000) {
            break; // paused or cut off: try another master
          }
          continue;
        }
        lastHeard = System.nanoTime();
        if (o == RestWatchStream.OPENED) {
          opened = true;
          recording.watching(client.endpoint());
        } else if (o instanceof RestEvents.Failure f) {
          if (f.expired()) {
            return End.EXPIRED;
          }
          if (f.code() == 0) {
            LOG.warn("{}: {} sent a line that is not a watch event: {}", name, client.endpoint(),
                f.message());
          }
          break;
        } else if (o instanceof RestEvents.Line line) {
          recording.received(line);
        } else {
          break; // ENDED, or the Throwable that ended it
        }
      }
    }
    return opened ? End.WATCHED : End.REFUSED;
  }

  /** Lists on the current master; true if it answered (and the list is recorded). */
  private boolean list() throws InterruptedException {
    try {
      RestClient.Reply r = client.list();
      if (r.status() != 200) {
        return false;
      }
      Map<String, String> objects = new HashMap<>();
      for (JsonNode item : r.body().path("items")) {
        objects.put(RestEvents.name(item), RestEvents.value(item));
      }
      recording.listed(RestEvents.resourceVersion(r.body()), client.endpoint(), objects);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
