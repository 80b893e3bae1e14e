package dev.keelson.chaos.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one REST watcher saw, as {@link WatchSession}s for {@link WatchChecker} and
 * {@link Listing}s for {@link ListChecker}.
 *
 * <p>A REST watcher lists, then watches from the list's resourceVersion; when its stream breaks
 * it watches again, perhaps on another master, from the newest resourceVersion it has seen (an
 * event's or a bookmark's), and after a 410 it lists again. Each list starts a new session
 * ({@code w1}, then {@code w1/relist-1}, ...) whose first owed revision is the list's
 * resourceVersion + 1: the list stands for every change before it. Within a session a REST event
 * is a response of one event (each change of a ConfigMap is a revision of its own), a bookmark
 * a progress notification, and a new watch a resumption from the newest resourceVersion + 1.
 *
 * <p>Thread-safe: the watcher records, the harness reads.
 */
public final class RestWatchRecording {
  private final String watcher;
  private final List<WatchSession> finished = new ArrayList<>();
  private final List<Listing> listings = new ArrayList<>();
  private String session;
  private long firstRevision;
  private List<WatchSession.Item> items;
  /** The newest resourceVersion seen in the current session; a watch resumes after it. */
  private long seen = -1;
  /** Whether the current session has had a watch (the next one is a resumption). */
  private boolean watched;

  public RestWatchRecording(String watcher) {
    this.watcher = watcher;
  }

  /** A list at {@code revision}: ends the current session and starts the next. */
  public synchronized void listed(long revision, String endpoint, Map<String, String> objects) {
    if (session != null) {
      finished.add(new WatchSession(session, "", firstRevision, items));
    }
    session = listings.isEmpty() ? watcher : watcher + "/relist-" + listings.size();
    listings.add(new Listing(session, revision, endpoint, objects));
    firstRevision = revision + 1;
    items = new ArrayList<>();
    seen = revision;
    watched = false;
  }

  /**
   * A watch from {@link #resourceVersion()} was accepted by {@code endpoint}: the first after a
   * list starts the session, a later one resumes it.
   */
  public synchronized void watching(String endpoint) {
    requireList();
    if (watched) {
      items.add(new WatchSession.Resume(seen + 1, endpoint));
    }
    watched = true;
  }

  /** A change or a bookmark (failures are the watcher's to act on and are not recorded). */
  public synchronized void received(RestEvents.Line line) {
    requireList();
    if (line instanceof RestEvents.Change c) {
      items.add(new WatchSession.Response(c.event().revision(), List.of(c.event())));
      seen = Math.max(seen, c.event().revision());
    } else if (line instanceof RestEvents.Bookmark b) {
      items.add(new WatchSession.Progress(b.revision()));
      seen = Math.max(seen, b.revision());
    }
  }

  /** The resourceVersion to watch from: the newest one seen (the last list's at first). */
  public synchronized long resourceVersion() {
    requireList();
    return seen;
  }

  /** Whether it has listed at least once. */
  public synchronized boolean listed() {
    return session != null;
  }

  public synchronized List<WatchSession> sessions() {
    List<WatchSession> all = new ArrayList<>(finished);
    if (session != null) {
      all.add(new WatchSession(session, "", firstRevision, items));
    }
    return all;
  }

  public synchronized List<Listing> listings() {
    return List.copyOf(listings);
  }

  private void requireList() {
    if (session == null) {
      throw new IllegalStateException(watcher + " has not listed yet");
    }
  }
}
