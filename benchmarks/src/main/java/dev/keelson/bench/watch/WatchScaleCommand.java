package dev.keelson.bench.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import dev.keelson.bench.memory.MemoryProbe;
import dev.keelson.bench.memory.MemorySample;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watch-scale}: many idle watchings on one server, their memory, then put runs that
 * every watcher must receive in full, with and without a stream that stopped reading.
 *
 * <p>One repetition: connect; warm-up puts; the idle phase (puts, no watchers); sample memory;
 * open the streams; sample; create the watchers; sample; warm-up puts; the watched phase; with
 * {@code --stall} the stalled phase (a stream on its own connection whose watchers are created,
 * then it stops reading; the puts run; the fleet must get everything; then it reads again and
 * must get every event too); close; sample. Per stream = (streams - base) / streams; per watching = (watchers - streams) /
 * watchings.
 */
@Command(name = "watch-scale", mixinStandardHelpOptions = true,
    description = "Watchers at scale on one endpoint: memory per stream and per watching, put "
        + "and delivery latency, with and without a stalled reader.")
public final class WatchScaleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379",
      description = "host:port of the servers; puts go round-robin to all (default: "
          + "${DEFAULT-VALUE}).")
  List<String> endpoints;

  @picocli.CommandLine.Mixin TlsOptions tls;

  @Option(names = "--watch-endpoint", defaultValue = "first",
      description = "Where the streams and watchers go: host:port, or first, follower (the "
          + "first endpoint that is not the leader) or leader (default: ${DEFAULT-VALUE}).")
  String watchEndpoint;

  @Option(names = "--connections", defaultValue = "10",
      description = "Connections the streams are spread over (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--streams", defaultValue = "100", description = "Watch streams (default: "
      + "${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--watchers-per-stream", defaultValue = "100",
      description = "Watchers on each stream (default: ${DEFAULT-VALUE}).")
  int watchersPerStream;

  @Option(names = "--puts", defaultValue = "1000",
      description = "Puts per measured phase (default: ${DEFAULT-VALUE}).")
  int puts;

  @Option(names = "--warmup-puts", defaultValue = "1000",
      description = "Puts before the idle phase, not reported (default: ${DEFAULT-VALUE}).")
  int warmupPuts;

  @Option(names = "--watched-warmup-puts", defaultValue = "200",
      description = "Puts with the watchers in place before the watched phase, not reported "
          + "(default: ${DEFAULT-VALUE}).")
  int watchedWarmupPuts;

  @Option(names = "--put-threads", defaultValue = "4",
      description = "Closed-loop put clients (default: ${DEFAULT-VALUE}).")
  int putThreads;

  @Option(names = "--value-size", defaultValue = "256",
      description = "Bytes per value (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--stall", description = "Add a phase with a stream that stops reading.")
  boolean stall;

  @Option(names = "--stall-watchers", defaultValue = "100",
      description = "Watchers on the stalled stream (default: ${DEFAULT-VALUE}).")
  int stallWatchers;

  @Option(names = "--server-pid", paramLabel = "[ENDPOINT=]PID",
      description = "pid of the server behind the watch endpoint, to measure its memory: a JVM "
          + "with jcmd (live heap after full GC), anything else by VmRSS. Repeat as "
          + "ENDPOINT=PID for each endpoint when the watch endpoint is chosen by role.")
  List<String> serverPids = new ArrayList<>();

  @Option(names = "--pprof",
      description = "The server is Go and serves pprof on its client URL (etcd --enable-pprof): "
          + "also measure its live heap after a forced GC.")
  boolean pprof;

  @Option(names = "--jcmd", defaultValue = "jcmd", description = "The jcmd to use "
      + "(default: ${DEFAULT-VALUE}).")
  String jcmd;

  @Option(names = "--repeat", defaultValue = "3",
      description = "Repetitions; the table shows median, min and max (default: "
          + "${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--timeout-seconds", defaultValue = "600",
      description = "Bound on each wait (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--histogram-top", defaultValue = "15",
      description = "Classes shown in the heap growth tables (default: ${DEFAULT-VALUE}).")
  int histogramTop;

  @Option(names = "--json-out", description = "Also write the report as JSON here.")
  Path jsonOut;

  private final PrintStream log = System.err;
  private Duration timeout;
  private MemoryProbe probe;
  private List<ManagedChannel> putChannels;
  private PutLoad load;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  @Override
  public Integer call() throws Exception {
    tls.apply();
    timeout = Duration.ofSeconds(timeoutSeconds);
    String watchAt = resolveWatchEndpoint();
    Long pid = pidOf(watchAt);
    probe = pid == null ? MemoryProbe.NONE
        : MemoryProbe.forPid(pid, jcmd, pprof ? "http://" + watchAt : null);
    putChannels = new ArrayList<>();
    endpoints.forEach(e -> putChannels.add(Channels.open(e)));
    load = new PutLoad(putChannels, putThreads, valueSize);
    ManagedChannel admin = Channels.open(watchAt);
    try {
      StatusResponse st = Channels.status(admin);
      String role = st.getLeader() == st.getHeader().getMemberId() ? "leader" : "follower";
      WatchScaleReport.Setup setup = new WatchScaleReport.Setup(endpoints, watchAt, role,
          st.getVersion(), probe.describe(), connections, streams, watchersPerStream, puts,
          warmupPuts, watchedWarmupPuts, putThreads, valueSize, stall, stallWatchers,
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
          loadAverage());
      String started = Instant.now().toString();
      List<WatchScaleReport.Repetition> reps = new ArrayList<>();
      for (int n = 1; n <= repeat; n++) {
        reps.add(repetition(n, watchAt, admin));
      }
      WatchScaleReport report = new WatchScaleReport(
          "keelson-bench " + String.join(" ",
              spec.commandLine().getParseResult().originalArgs()),
          started, setup, reps, WatchScaleReport.summarize(reps), loadAverage());
      report.print(System.out);
      if (jsonOut != null) {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(jsonOut.toFile(), report);
        log.println("wrote " + jsonOut);
      }
      if (!report.allChecksPassed()) {
        System.out.println("FAILED: some watcher did not receive exactly every event");
        return 1;
      }
      return 0;
    } finally {
      admin.shutdownNow();
      Channels.closeAll(putChannels);
    }
  }

  /** The watch endpoint: as given, or the first endpoint of the given role. */
  private String resolveWatchEndpoint() throws InterruptedException {
    if (!List.of("first", "leader", "follower").contains(watchEndpoint)) {
      return watchEndpoint;
    }
    if (watchEndpoint.equals("first")) {
      return endpoints.get(0);
    }
    for (String e : endpoints) {
      ManagedChannel c = Channels.open(e);
      try {
        StatusResponse st = Channels.status(c);
        boolean leads = st.getLeader() == st.getHeader().getMemberId();
        if (leads == watchEndpoint.equals("leader")) {
          return e;
        }
      } finally {
        Channels.closeAll(List.of(c));
      }
    }
    throw new IllegalStateException("no " + watchEndpoint + " among " + endpoints);
  }

  /** The pid given for an endpoint (ENDPOINT=PID), or the one plain pid given. */
  private Long pidOf(String endpoint) {
    for (String p : serverPids) {
      int eq = p.indexOf('=');
      if (eq < 0 && serverPids.size() == 1) {
        return Long.parseLong(p);
      }
      if (eq > 0 && p.substring(0, eq).equals(endpoint)) {
        return Long.parseLong(p.substring(eq + 1));
      }
    }
    if (!serverPids.isEmpty()) {
      throw new IllegalArgumentException("no --server-pid for " + endpoint + " in " + serverPids);
    }
    return null;
  }

  private WatchScaleReport.Repetition repetition(int n, String watchAt, ManagedChannel admin)
      throws Exception {
    String prefix = "keelson-bench/" + runId + "/r" + n + "/";
    log.printf("repetition %d: %d connections to %s%n", n, connections, watchAt);
    WatchFleet fleet = new WatchFleet(watchAt, connections);
    try {
      List<WatchScaleReport.Phase> phases = new ArrayList<>();
      if (warmupPuts > 0) {
        idlePhase(prefix + "warmup0/", warmupPuts);
      }
      phases.add(idlePhase(prefix + "idle/", puts));
      MemorySample base = probe.sample();
      fleet.openStreams(streams, timeout);
      MemorySample withStreams = probe.sample();
      log.printf("  %d streams open%n", streams);

      long start = Channels.revision(admin) + 1;
      ByteString key = ByteString.copyFromUtf8(prefix);
      WatchCreateRequest.Builder prefixWatch = WatchCreateRequest.newBuilder().setKey(key)
          .setRangeEnd(prefixEnd(key)).setStartRevision(start);
      // every tenth a range of its own ([prefix, prefix + "~"): the same keys here)
      WatchCreateRequest.Builder rangeWatch = prefixWatch.clone()
          .setRangeEnd(key.concat(ByteString.copyFromUtf8("~")));
      long t0 = System.nanoTime();
      fleet.createWatchers(watchersPerStream, id -> id % 10 == 0 ? rangeWatch : prefixWatch,
          timeout);
      log.printf("  %d watchers created in %.2f s%n", fleet.watchers(), secs(t0));
      MemorySample withWatchers = probe.sample();

      int expected = 0;
      if (watchedWarmupPuts > 0) {
        expected += watchedWarmupPuts;
        phase(fleet, admin, prefix + "warmup/", watchedWarmupPuts, expected, null);
      }
      expected += puts;
      phases.add(phase(fleet, admin, prefix + "watched/", puts, expected, null));
      if (stall) {
        expected += puts;
        phases.add(phase(fleet, admin, prefix + "stalled/", puts, expected, watchAt));
      }
      fleet.close();
      MemorySample closed = probe.sample();
      return new WatchScaleReport.Repetition(n,
          memory(base, withStreams, withWatchers, closed), phases);
    } finally {
      fleet.close();
    }
  }

  /** Runs {@code count} puts under {@code keyPrefix} with no watcher watching them. */
  private WatchScaleReport.Phase idlePhase(String keyPrefix, int count) throws Exception {
    PutLoad.Result r = load.run(new Delivery(keyPrefix, count), count);
    if (r.failures() > 0) {
      throw new IllegalStateException(r.failures() + " puts failed");
    }
    WatchScaleReport.Phase p = new WatchScaleReport.Phase(name(keyPrefix), 0, count,
        r.firstRevision(), r.lastRevision(), WatchScaleReport.Latency.of(r.latencyMicros()),
        byEndpoint(r), count / (r.elapsedNanos() / 1e9),
        WatchScaleReport.Latency.of(new Histogram(3)), 0, 0, CountingStream.Check.NONE, null);
    log.printf("  %-8s put p50 %.2f ms p99 %.2f ms (no watchers)%n", p.name(), p.put().p50(),
        p.put().p99());
    return p;
  }

  private Map<String, WatchScaleReport.Latency> byEndpoint(PutLoad.Result r) {
    Map<String, WatchScaleReport.Latency> out = new LinkedHashMap<>();
    for (int i = 0; i < endpoints.size(); i++) {
      out.put(endpoints.get(i), WatchScaleReport.Latency.of(r.byEndpoint().get(i)));
    }
    return out;
  }

  private static String name(String keyPrefix) {
    return keyPrefix.substring(keyPrefix.lastIndexOf('/', keyPrefix.length() - 2) + 1,
        keyPrefix.length() - 1);
  }

  /**
   * Runs {@code count} puts under {@code keyPrefix} and waits until every watcher of the
   * fleet has {@code expected} events; with {@code stalledAt}, a stream there stops reading
   * for the phase and must then catch up on every event.
   */
  private WatchScaleReport.Phase phase(WatchFleet fleet, ManagedChannel admin, String keyPrefix,
      int count, int expected, String stalledAt) throws Exception {
    String name = name(keyPrefix);
    Stalled stalled = stalledAt == null ? null
        : Stalled.open(stalledAt, keyPrefix, Channels.revision(admin) + 1, stallWatchers,
            timeout);
    try {
      MemorySample before = stalled == null ? null : probe.sample();
      Delivery d = new Delivery(keyPrefix, count);
      fleet.drainLatencies();
      fleet.measure(d);
      long eventsBefore = fleet.events();
      long t0 = System.nanoTime();
      PutLoad.Result r = load.run(d, count);
      if (r.failures() > 0) {
        throw new IllegalStateException(r.failures() + " puts failed");
      }
      fleet.awaitEvents(expected, timeout);
      double allDelivered = secs(t0);
      fleet.measure(null);
      Histogram delivery = fleet.drainLatencies();
      WatchScaleReport.Stall st = null;
      if (stalled != null) {
        MemorySample held = probe.sample();
        st = stalled.resumeAndCheck(before, held, count, r.lastRevision(), timeout);
      }
      WatchScaleReport.Phase p = new WatchScaleReport.Phase(name, fleet.watchers(), count,
          r.firstRevision(), r.lastRevision(), WatchScaleReport.Latency.of(r.latencyMicros()),
          byEndpoint(r), count / (r.elapsedNanos() / 1e9), WatchScaleReport.Latency.of(delivery), allDelivered,
          fleet.events() - eventsBefore, fleet.check(expected, r.lastRevision()), st);
      log.printf("  %-8s put p50 %.2f ms p99 %.2f ms; %d events delivered in %.2f s%s%n", name,
          p.put().p50(), p.put().p99(), p.eventsDelivered(), allDelivered,
          st == null ? "" : String.format("; stalled stream caught up in %.2f s",
              st.catchUpSeconds()));
      return p;
    } finally {
      if (stalled != null) {
        stalled.close();
      }
    }
  }

  private WatchScaleReport.Memory memory(MemorySample base, MemorySample streamsOpen,
      MemorySample watchers, MemorySample closed) {
    int watchings = streams * watchersPerStream;
    return new WatchScaleReport.Memory(base.heapBytes(), streamsOpen.heapBytes(),
        watchers.heapBytes(), closed.heapBytes(), base.rssBytes(), streamsOpen.rssBytes(),
        watchers.rssBytes(), closed.rssBytes(),
        per(streamsOpen.heapBytes(), base.heapBytes(), streams),
        per(watchers.heapBytes(), streamsOpen.heapBytes(), watchings),
        per(streamsOpen.rssBytes(), base.rssBytes(), streams),
        per(watchers.rssBytes(), streamsOpen.rssBytes(), watchings),
        base.histogram() == null ? List.of()
            : streamsOpen.histogram().growthSince(base.histogram(), histogramTop),
        base.histogram() == null ? List.of()
            : watchers.histogram().growthSince(streamsOpen.histogram(), histogramTop),
        base.histogram() == null ? List.of()
            : closed.histogram().growthSince(base.histogram(), histogramTop));
  }

  /** The 1-minute load average, or -1 where there is none. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double per(long after, long before, int n) {
    return after < 0 || before < 0 ? -1 : (double) (after - before) / n;
  }

  /** etcd's prefix range end: the prefix with its last byte incremented. */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    b[b.length - 1]++;
    return ByteString.copyFrom(b);
  }

  private static double secs(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /** The stalled reader of one phase: its own connection, one stream, its watchers. */
  private static final class Stalled implements AutoCloseable {
    private final ManagedChannel channel;
    private final CountingStream stream;
    private final int watchers;

    private Stalled(ManagedChannel channel, CountingStream stream, int watchers) {
      this.channel = channel;
      this.stream = stream;
      this.watchers = watchers;
    }

    /**
     * Opens the stream, creates the watchers on {@code keyPrefix} from {@code start}, lets
     * exactly their created responses through, and from then on reads nothing.
     */
    static Stalled open(String endpoint, String keyPrefix, long start, int watchers,
        Duration timeout) throws InterruptedException {
      ManagedChannel c = Channels.open(endpoint);
      Channels.connect(c);
      CountingStream s = new CountingStream(c, true, new LongAdder());
      Stalled st = new Stalled(c, s, watchers);
      ByteString key = ByteString.copyFromUtf8(keyPrefix);
      WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(key)
          .setRangeEnd(prefixEnd(key)).setStartRevision(start);
      for (int id = 1; id <= watchers; id++) {
        s.create(id, create);
      }
      s.allow(watchers);
      Waits.until("the stalled stream's " + watchers + " watchers are created", timeout,
          () -> s.created() >= watchers, s::ended, () -> s.created() + " created");
      return st;
    }

    WatchScaleReport.Stall resumeAndCheck(MemorySample before, MemorySample held, int expected,
        long lastRevision, Duration timeout) throws InterruptedException {
      long whileStalled = stream.responses() - watchers;
      long t0 = System.nanoTime();
      stream.resume();
      Waits.until("the stalled stream's watchers catch up on " + expected + " events", timeout,
          () -> stream.behind(expected) == 0, stream::ended,
          () -> stream.events() + " events, " + stream.behind(expected) + " watchers behind");
      double catchUp = secs(t0);
      return new WatchScaleReport.Stall(watchers, whileStalled,
          held.heapBytes() - before.heapBytes(), held.rssBytes() - before.rssBytes(), catchUp,
          stream.check(expected, lastRevision));
    }

    @Override
    public void close() throws InterruptedException {
      stream.close();
      Channels.closeAll(List.of(channel));
    }
  }
}
