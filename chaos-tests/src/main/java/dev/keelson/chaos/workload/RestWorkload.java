package dev.keelson.chaos.workload;

import dev.keelson.chaos.check.Anomaly;
import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.check.RegisterChecker;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import dev.keelson.chaos.watch.ListChecker;
import dev.keelson.chaos.watch.Listing;
import dev.keelson.chaos.watch.RestEvents;
import dev.keelson.chaos.watch.WatchChecker;
import dev.keelson.chaos.watch.WatchEvent;
import dev.keelson.chaos.watch.WatchSession;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API under faults: clients update ConfigMaps with resourceVersion preconditions
 * while one REST watcher per master follows them, as controllers and informers do.
 *
 * <p><b>Registers.</b> Each ConfigMap {@code r-<n>} in namespace {@value RestClient#NAMESPACE}
 * is a register whose value is its {@code data.v}; all clients work on one name at a time and
 * move to the next after {@code callsPerKey} calls (as {@link RegisterWorkload}), or sooner,
 * after {@value #MAX_UNKNOWN_PER_KEY} calls with an unknown outcome: each of those may take
 * effect at any later time, and the checker's search grows with 2 to the power of their number
 * (in an outage a master answers 503 at once, and a minute of clients retrying put twenty of
 * them on one name, more than the search could settle). A client
 * talks to one master and moves on to the next after a call that got no answer or a server
 * error (a 4xx refusal, such as a 409, is the master working). Calls, and
 * how they enter the history that {@link RegisterChecker} checks for linearizability:
 * <ul>
 *   <li>{@code read}: a GET without resourceVersion (a quorum read); the value read is
 *       {@code data.v}, nothing when the object is absent (404).
 *   <li>{@code cas expected -> new}: a write conditional on what a client last saw of the
 *       object (a read, or its own write): its {@code data.v} and resourceVersion. An update is
 *       a PUT of {@code data.v = new} with that resourceVersion; a delete (one write in ten) a
 *       DELETE with that resourceVersion as precondition ({@code new} is nothing); when the
 *       object is believed absent, and for one write in ten regardless, a create, a POST
 *       ({@code expected} is nothing).
 * </ul>
 * A PUT or DELETE succeeds exactly when the object is still at resourceVersion R; it is recorded
 * as a compare-and-set on the value {@code v} that version R holds. The two agree because every
 * value is written once: each create and update writes a fresh number, so each version of the
 * object has a value no other version has, and "still at version R" is the same as "still
 * holds v". (With values written twice, A → B → A, a stale PUT would be refused although the
 * value matched, and the mapping would be wrong.) A POST succeeds exactly when the object is
 * absent: a compare-and-set from nothing. Outcomes are mapped by {@link RestOutcome}: 2xx ok
 * (compare held), 4xx fail (409 Conflict or AlreadyExists: certainly not applied), 5xx,
 * timeouts and resets after sending info (may apply later, or never). An acknowledged update
 * that a later read does not show is a {@code stale-read}; a refused one that a read shows, a
 * {@code phantom-read}.
 *
 * <p><b>Watchers.</b> One {@link RestWatcher} per master lists the namespace's ConfigMaps and
 * watches from the list's resourceVersion; it resumes on the next master from the newest
 * resourceVersion it saw, and lists again after a 410. After the faults, marker objects
 * ({@code end-<n>}) are created until every watcher has seen the newest one, so that a watcher
 * that lost an event sees later ones and the loss shows as a gap. The change log is then read
 * back through the etcd API (the keys under {@value RestClient#STORE_PREFIX}, values the
 * objects' JSON) and mapped to REST events ({@link RestEvents}): {@link WatchChecker} judges
 * each watcher's sessions against it, {@link ListChecker} each list.
 *
 * <p>Every anomaly is reported under its checker's name with the prefix {@code rest-}
 * ({@code rest-stale-read}, {@code rest-watch-reliable}, {@code rest-list-valid}).
 */
public final class RestWorkload implements Workload<RestClient> {
  private static final Logger LOG = LoggerFactory.getLogger(RestWorkload.class);
  static final String PREFIX = "rest-";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration BOUND = Duration.ofSeconds(60);

  static final int MAX_UNKNOWN_PER_KEY = 8;

  private final int callsPerKey;
  private final AtomicLong values = new AtomicLong(1);
  // guarded by this: the register the clients work on, and what has been done to it
  private long key;
  private int callsOnKey;
  private int unknownOnKey;
  /** What the clients last saw of each object: what the next write expects. */
  private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();
  private final List<RestWatcher> watchers = new ArrayList<>();
  private volatile HttpClient http;
  private long firstRevision;
  private List<WatchEvent> log = List.of();

  /** A version of an object a client saw; {@link #ABSENT} when it saw none. */
  private record Seen(Long value, long resourceVersion) {}

  private static final Seen ABSENT = new Seen(null, 0);

  RestWorkload(int callsPerKey) {
    this.callsPerKey = callsPerKey;
  }

  @Override
  public String name() {
    return "rest";
  }

  private synchronized HttpClient http(Masters masters) {
    if (http == null) {
      http = RestClient.http(masters.pki());
    }
    return http;
  }

  @Override
  public RestClient client(Masters masters, int worker) {
    return new RestClient(http(masters), masters, worker, CLIENT_TIMEOUT);
  }

  /** Creates the namespace, then each watcher's first list, then starts the watchers. */
  @Override
  public void start(Masters masters, Recorder clock) {
    RestClient admin = new RestClient(http(masters), masters, 0, ADMIN_TIMEOUT);
    try {
      createNamespace(admin);
      long first = Long.MAX_VALUE;
      for (int i = 0; i < masters.size(); i++) {
        RestWatcher w = new RestWatcher("w" + (i + 1),
            new RestClient(http(masters), masters, i, ADMIN_TIMEOUT));
        if (!w.listFirst(BOUND)) {
          throw new IllegalStateException("no master listed ConfigMaps within " + BOUND);
        }
        watchers.add(w);
        first = Math.min(first, w.recording().resourceVersion() + 1);
      }
      firstRevision = first;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
    watchers.forEach(RestWatcher::start);
  }

  private static void createNamespace(RestClient admin) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        RestClient.Reply r = admin.createNamespace();
        if (r.status() == 201 || r.status() == 409) {
          return;
        }
        last = r.describe();
      } catch (IOException e) {
        last = e.toString();
      }
      admin.next();
      Thread.sleep(200); // the API is starting
    }
    throw new IllegalStateException("could not create namespace " + RestClient.NAMESPACE + ": "
        + last);
  }

  @Override
  public Op.Type step(RestClient client, Recorder h, int p, Random rnd) {
    long k = nextCall();
    String key = "r-" + k;
    RestOutcome.Completion c = rnd.nextInt(2) == 0 ? read(client, h, p, key)
        : write(client, h, p, key, rnd);
    if (c.type() == Op.Type.INFO) {
      unknownOutcome(k);
    }
    if (!c.masterAnswered()) {
      client.next(); // no answer or a server error; a refusal (4xx) is the master working
    }
    return c.type();
  }

  /** The register the next call works on. */
  private synchronized long nextCall() {
    if (callsOnKey >= callsPerKey || unknownOnKey >= MAX_UNKNOWN_PER_KEY) {
      key++;
      callsOnKey = 0;
      unknownOnKey = 0;
    }
    callsOnKey++;
    return key;
  }

  private synchronized void unknownOutcome(long k) {
    if (k == key) {
      unknownOnKey++;
    }
  }

  private RestOutcome.Completion read(RestClient client, Recorder h, int p, String key) {
    h.record(p, Op.Type.INVOKE, "read", key, null, null, null, null, null, null);
    RestOutcome.Completion c;
    try {
      c = RestOutcome.read(key, client.get(key));
    } catch (IOException | InterruptedException e) {
      c = RestOutcome.noAnswer(true, e);
    }
    RestOutcome.complete(h, p, "read", key, null, null, c);
    if (c.type() == Op.Type.OK) {
      saw(key, c.value(), c.revision());
    }
    return c;
  }

  private RestOutcome.Completion write(RestClient client, Recorder h, int p, String key, Random rnd) {
    Seen s = seen.getOrDefault(key, ABSENT);
    boolean create = s == ABSENT || rnd.nextInt(10) == 0;
    boolean delete = !create && rnd.nextInt(10) == 0;
    Long expected = create ? null : s.value();
    Long value = delete ? null : values.getAndIncrement();
    h.record(p, Op.Type.INVOKE, "cas", key, value, expected, null, null, null, null);
    RestOutcome.Completion c;
    try {
      RestClient.Reply r = create ? client.create(key, value.toString())
          : delete ? client.delete(key, s.resourceVersion())
          : client.update(key, s.resourceVersion(), value.toString());
      c = RestOutcome.write(r);
    } catch (IOException | InterruptedException e) {
      c = RestOutcome.noAnswer(false, e);
    }
    RestOutcome.complete(h, p, "cas", key, value, expected, c);
    if (c.type() == Op.Type.OK) {
      saw(key, value, c.revision());
    }
    return c;
  }

  /** Remembers the version a client saw (value null: absent) for the next write to expect. */
  private void saw(String key, Long value, Long resourceVersion) {
    if (value == null) {
      seen.put(key, ABSENT);
    } else if (resourceVersion != null) {
      seen.put(key, new Seen(value, resourceVersion));
    } else {
      seen.remove(key); // an answer without a resourceVersion: nothing to expect
    }
  }

  /**
   * Creates markers until every watcher has seen the newest (a lost event then shows as a gap
   * before it), stops the watchers, and reads the change log back through the etcd API.
   */
  @Override
  public void finish(Masters masters, Recorder h, int process) {
    RestClient admin = new RestClient(http(masters), masters, 0, ADMIN_TIMEOUT);
    long deadline = System.nanoTime() + BOUND.toNanos();
    try {
      for (int marker = 1; System.nanoTime() < deadline; marker++) {
        Long rv = null;
        try {
          RestClient.Reply r = admin.create("end-" + marker, null);
          rv = r.status() == 201 ? RestOutcome.resourceVersion(r) : null;
        } catch (IOException e) {
          LOG.debug("marker end-{} on {}: {}", marker, admin.endpoint(), e.toString());
        }
        if (rv == null) {
          admin.next();
          Thread.sleep(200); // the cluster is still healing
          continue;
        }
        if (awaitWatchers(rv, Math.min(deadline, System.nanoTime() + 5_000_000_000L))) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watchers.forEach(w -> w.stop(Duration.ofSeconds(10)));
    List<EtcdClient> etcd = masters.etcd(ADMIN_TIMEOUT);
    long last = WatchWorkload.awaitRevision(etcd);
    log = LogReader.read(etcd, RestClient.STORE_PREFIX, firstRevision, last, BOUND).stream()
        .map(e -> RestEvents.fromStore(e, RestClient.STORE_PREFIX)).toList();
  }

  private boolean awaitWatchers(long revision, long deadline) throws InterruptedException {
    while (!watchers.stream().allMatch(w -> w.covers(revision))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50); // polling the watchers' progress: they have no event to wait on
    }
    return true;
  }

  private List<WatchSession> sessions() {
    return watchers.stream().flatMap(w -> w.recording().sessions().stream()).toList();
  }

  private List<Listing> listings() {
    return watchers.stream().flatMap(w -> w.recording().listings().stream()).toList();
  }

  @Override
  public CheckResult check(List<Op> history) {
    return check(history, sessions(), listings(), log);
  }

  /**
   * Checks a rest run: the register history for linearizability, the watchers' sessions and
   * lists against the change log (mapped to REST events); one result named {@code rest}, its
   * anomalies prefixed {@value #PREFIX}.
   */
  public static CheckResult check(List<Op> history, List<WatchSession> sessions,
      List<Listing> listings, List<WatchEvent> log) {
    CheckResult register = RegisterChecker.check(history);
    CheckResult watch = WatchChecker.check(sessions, log);
    List<Anomaly> lists = ListChecker.check(listings, log);
    List<Anomaly> anomalies = new ArrayList<>();
    for (List<Anomaly> found : List.of(register.anomalies(), watch.anomalies(), lists)) {
      found.forEach(a -> anomalies.add(new Anomaly(PREFIX + a.name(), a.message(),
          a.evidence())));
    }
    Map<String, Long> stats = new LinkedHashMap<>(register.stats());
    stats.putAll(watch.stats());
    stats.put("lists", (long) listings.size());
    stats.put("relists", listings.stream().filter(l -> l.watcher().contains("/relist-")).count());
    return new CheckResult("rest", anomalies, stats);
  }

  @Override
  public Map<String, Object> artifacts() {
    return Map.of("rest-watch-sessions", sessions(), "rest-lists", listings(),
        "rest-watch-log", log);
  }
}
