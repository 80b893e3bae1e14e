package dev.keelson.chaos.watch;

import dev.keelson.chaos.check.Anomaly;
import dev.keelson.chaos.check.CheckResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks what watchers saw against the final change log, with the guarantees etcd documents for
 * watches (and its robustness tests check), each reported under its own name:
 * <ul>
 *   <li>{@code watch-ordered}: events arrive in revision order, across reconnections;
 *   <li>{@code watch-unique}: no event arrives twice;
 *   <li>{@code watch-atomic}: a revision's events (those the watcher watches) arrive together, in
 *       one response;
 *   <li>{@code watch-reliable}: no event the watcher is owed is missing, up to the newest
 *       revision it knows it has everything for (its last event or progress notification);
 *   <li>{@code watch-resumable}: after watching again from revision R, nothing older than R
 *       arrives and nothing from R on is skipped;
 *   <li>{@code watch-bookmarkable}: after a progress notification for revision P, no event at
 *       or below P arrives;
 *   <li>{@code watch-valid}: every event is in the change log, with the same content.
 * </ul>
 */
public final class WatchChecker {
  private WatchChecker() {}

  /**
   * @param changeLog every change of the run in revision order (for example a watch from
   *     revision 1 on a healthy master after the run)
   */
  public static CheckResult check(List<WatchSession> sessions, List<WatchEvent> changeLog) {
    Map<String, Long> stats = new LinkedHashMap<>();
    List<Anomaly> anomalies = new ArrayList<>();
    Map<String, WatchEvent> byId = new HashMap<>();
    for (WatchEvent e : changeLog) {
      byId.put(id(e), e);
    }
    stats.put("log-events", (long) changeLog.size());
    stats.put("watchers", (long) sessions.size());
    for (WatchSession s : sessions) {
      new Session(s, changeLog, byId, anomalies, stats).check();
    }
    return new CheckResult("watch", anomalies, stats);
  }

  private static String id(WatchEvent e) {
    return e.revision() + "\u0000" + e.key();
  }

  /** The checks of one watcher's session. */
  private static final class Session {
    private final WatchSession s;
    private final TreeMap<Long, List<WatchEvent>> owed = new TreeMap<>();
    private final Map<String, WatchEvent> byId;
    private final List<Anomaly> anomalies;
    private final Map<String, Long> stats;
    private final Map<String, Integer> counts = new HashMap<>();

    Session(WatchSession s, List<WatchEvent> log, Map<String, WatchEvent> byId,
        List<Anomaly> anomalies, Map<String, Long> stats) {
      this.s = s;
      this.byId = byId;
      this.anomalies = anomalies;
      this.stats = stats;
      for (WatchEvent e : log) {
        if (e.key().startsWith(s.prefix()) && e.revision() >= s.firstRevision()) {
          owed.computeIfAbsent(e.revision(), r -> new ArrayList<>()).add(e);
        }
      }
    }

    private void report(String name, String message, List<String> evidence) {
      if (counts.merge(name, 1, Integer::sum) <= CheckResult.MAX_PER_NAME) {
        anomalies.add(new Anomaly(name, s.watcher() + ": " + message, evidence));
      }
      stats.merge(name, 1L, Long::sum);
    }

    private final Set<String> delivered = new HashSet<>();
    private final Map<Long, Integer> responseOfRevision = new HashMap<>();
    /** Newest revision seen in an event. */
    private long last;
    /** Newest revision known complete (an event or a progress notification). */
    private long covered;
    /** The revision of the last resumption, until its first event; else -1. */
    private long resumedFrom = -1;
    private long bookmark = -1;
    private int response;
    private long events;

    void check() {
      last = s.firstRevision() - 1;
      covered = last;
      for (WatchSession.Item item : s.items()) {
        if (item instanceof WatchSession.Resume r) {
          resume(r);
        } else if (item instanceof WatchSession.Progress p) {
          progress(p);
        } else {
          response((WatchSession.Response) item);
        }
      }
      gaps(s.firstRevision(), covered + 1, "watch-reliable", "missing");
      stats.merge("events-delivered", events, Long::sum);
      stats.merge("responses", (long) response, Long::sum);
    }

    private void resume(WatchSession.Resume r) {
      resumedFrom = r.fromRevision();
      if (r.fromRevision() > covered + 1) {
        report("watch-resumable", "resumed from " + r.fromRevision() + " but had only seen up to "
            + covered + " (the client skipped revisions)",
            List.of("resume " + r.fromRevision() + " at " + r.endpoint()));
      }
    }

    /**
     * A progress notification for P says every event up to P has been sent. P may be below
     * what the watcher already has: a master that lags answers with its own revision (etcd
     * does the same), which is still true. Only events at or below P arriving after it break
     * the guarantee, as in etcd's robustness tests.
     */
    private void progress(WatchSession.Progress p) {
      bookmark = Math.max(bookmark, p.revision());
      covered = Math.max(covered, p.revision());
    }

    private void response(WatchSession.Response r) {
      response++;
      for (WatchEvent e : r.events()) {
        events++;
        WatchEvent logged = byId.get(id(e));
        if (logged == null || !logged.equals(e)) {
          report("watch-valid", "event not in the change log as delivered", logged == null
              ? List.of("got " + e) : List.of("got " + e, "log " + logged));
        }
        if (!delivered.add(id(e))) {
          report("watch-unique", "event delivered again", List.of("again " + e));
          continue;
        }
        if (e.revision() <= bookmark) {
          report("watch-bookmarkable", "event at or below the progress notification for "
              + bookmark, List.of("progress " + bookmark, "then " + e));
        } else if (resumedFrom >= 0 && e.revision() < resumedFrom) {
          report("watch-resumable", "event older than the resumption from " + resumedFrom,
              List.of("resume " + resumedFrom, "then " + e));
        } else if (e.revision() < last) {
          report("watch-ordered", "event at revision " + e.revision() + " after one at " + last,
              List.of("after " + last, "got " + e));
        }
        Integer first = responseOfRevision.putIfAbsent(e.revision(), response);
        if (first != null && first != response) {
          report("watch-atomic", "revision " + e.revision() + " split across responses",
              List.of("got " + e));
        }
        if (resumedFrom >= 0) {
          gaps(resumedFrom, e.revision(), "watch-resumable",
              "skipped after resuming from " + resumedFrom);
          resumedFrom = -1;
        }
        last = Math.max(last, e.revision());
        covered = Math.max(covered, e.revision());
      }
      for (long rev : revisionsIn(r)) {
        for (WatchEvent e : owed.getOrDefault(rev, List.of())) {
          if (!delivered.contains(id(e))) {
            report("watch-atomic", "revision " + rev + " arrived without all its events",
                List.of("missing " + e));
          }
        }
      }
    }

    private static Set<Long> revisionsIn(WatchSession.Response r) {
      Set<Long> revs = new HashSet<>();
      r.events().forEach(e -> revs.add(e.revision()));
      return revs;
    }

    /** Reports every owed event in [from, to) not delivered yet. */
    private void gaps(long from, long to, String name, String what) {
      for (List<WatchEvent> rev : owed.subMap(from, true, to, false).values()) {
        for (WatchEvent e : rev) {
          if (!delivered.contains(id(e)) && !missingReported.contains(id(e))) {
            missingReported.add(id(e));
            report(name, what + ": " + e, List.of("missing " + e));
          }
        }
      }
    }

    private final Set<String> missingReported = new HashSet<>();
  }
}
