package dev.keelson.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.cluster.MasterProcess;
import dev.keelson.chaos.cluster.Net;
import dev.keelson.chaos.cluster.ProcessCluster;
import dev.keelson.chaos.history.HistoryFile;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import dev.keelson.chaos.nemesis.Nemesis;
import dev.keelson.chaos.watch.Listing;
import dev.keelson.chaos.watch.WatchChecker;
import dev.keelson.chaos.watch.WatchEvent;
import dev.keelson.chaos.watch.WatchSession;
import dev.keelson.chaos.workload.Masters;
import dev.keelson.chaos.workload.RestWorkload;
import dev.keelson.chaos.workload.Workload;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chaos run: a fresh three-master cluster of real processes, clients running the workloads
 * against every master while the nemesis injects faults, then repair, final reads, the
 * checkers, and a run directory with everything (histories, timeline, results).
 */
public final class ChaosRun {
  private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** What to run. */
  public record Options(List<String> workloads, List<String> nemeses, Duration time, long seed,
      int clientsPerWorkload, Path jar, List<String> jvmOptions, Path out) {}

  /** What a run found: each checker's result, and the unavailability after leader kills. */
  public record Result(Path dir, Map<String, CheckResult> checks, Map<String, Object> summary) {
    public boolean valid() {
      return checks.values().stream().allMatch(CheckResult::valid);
    }
  }

  private static final long FAILURE_PAUSE_MS = 100;

  private ChaosRun() {}

  /** {@link #cleanLeftovers}, unless a run is in progress (it would be cut from under it). */
  public static void cleanLeftoversUnlessRunning() {
    try (FileChannel lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        throw new IllegalStateException("a chaos run is in progress (" + LOCK + " is held)");
      }
      cleanLeftovers();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes what an interrupted run left: masters (by cgroup), cgroups and iptables rules. */
  static void cleanLeftovers() {
    ProcessCluster.killLeftovers();
    Net.create().remove();
  }

  /**
   * Held for the whole run: two runs on one machine would share the masters' addresses and
   * the iptables chain, and each would take the other's masters for leftovers.
   */
  static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "keelson-chaos.lock");

  public static Result run(Options o) throws InterruptedException {
    try (FileChannel lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        throw new IllegalStateException("another chaos run holds " + LOCK + "; one at a time");
      }
      return runLocked(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result runLocked(Options o) throws InterruptedException {
    Path dir = o.out();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cleanLeftovers();
    Net net = Net.create();
    Thread netHook = new Thread(net::remove, "chaos-net-cleanup"); // Ctrl-C, SIGTERM
    Runtime.getRuntime().addShutdownHook(netHook);
    Map<String, Recorder> histories = new LinkedHashMap<>();
    List<Workload<?>> running = new ArrayList<>();
    Recorder clock = new Recorder();
    List<Nemesis.Event> timeline;
    try (ProcessCluster cluster = new ProcessCluster(dir.resolve("cluster"), o.jar(),
        o.jvmOptions(), "run-" + ProcessHandle.current().pid())) {
      net.install();
      cluster.startAll();
      cluster.awaitLeader(Duration.ofSeconds(60));
      List<Workload<?>> workloads = o.workloads().stream().<Workload<?>>map(Workload::named)
          .toList();
      List<MasterProcess> ms = cluster.masters();
      Masters masters = new Masters(ms.stream().map(MasterProcess::id).toList(),
          ms.stream().<Channel>map(cluster::channel).toList(),
          ms.stream().map(MasterProcess::apiUri).toList(), cluster.pkiDir());
      workloads.forEach(w -> w.start(masters, clock));
      running.addAll(workloads);
      AtomicInteger processes = new AtomicInteger();
      long end = clock.now() + o.time().toNanos();
      List<Thread> workers = new ArrayList<>();
      Random seeds = new Random(o.seed());
      for (Workload<?> w : workloads) {
        Recorder h = new Recorder(clock);
        histories.put(w.name(), h);
        for (int i = 0; i < o.clientsPerWorkload(); i++) {
          Thread t = worker(w, masters, i, h, processes, seeds.nextLong(), clock, end);
          workers.add(t);
          t.start();
        }
      }
      Nemesis nemesis = new Nemesis(cluster, net, o.nemeses(), o.seed(), clock::now);
      try {
        nemesis.runUntil(end);
      } finally {
        nemesis.repairAll();
      }
      for (Thread t : workers) {
        t.join();
      }
      cluster.awaitLeader(Duration.ofSeconds(60));
      for (Workload<?> w : workloads) {
        w.finish(masters, histories.get(w.name()), processes.getAndIncrement());
      }
      timeline = nemesis.timeline();
    } finally {
      net.remove();
      try {
        Runtime.getRuntime().removeShutdownHook(netHook);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs anyway
      }
    }
    Map<String, CheckResult> checks = new LinkedHashMap<>();
    for (Workload<?> w : running) {
      List<Op> history = histories.get(w.name()).history();
      HistoryFile.write(dir.resolve("history-" + w.name() + ".jsonl"), history);
      checks.put(w.name(), w.check(history));
      w.artifacts().forEach((name, value) -> write(dir.resolve(name + ".json"), value));
    }
    Map<String, Object> summary = summarize(o, histories, timeline, checks);
    Map<String, List<Op>> byWorkload = new LinkedHashMap<>();
    histories.forEach((name, h) -> byWorkload.put(name, h.history()));
    try {
      Files.writeString(dir.resolve("timeline.html"), Timeline.html("Keelson chaos run, seed "
          + o.seed() + ", " + o.time().toSeconds() + " s", byWorkload, timeline));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(dir.resolve("nemesis.json"), timeline);
    write(dir.resolve("results.json"), Map.of("summary", summary, "checks", checks));
    return new Result(dir, checks, summary);
  }

  /**
   * Runs the checkers again on a run directory's recorded histories (and, for watch and rest,
   * the sessions, lists and change log), for a checker that changed since the run; writes
   * {@code results-recheck.json}.
   */
  public static Map<String, CheckResult> recheck(Path dir) throws IOException {
    Map<String, CheckResult> checks = new LinkedHashMap<>();
    for (String name : List.of("register", "set", "watch", "rest")) {
      Path history = dir.resolve("history-" + name + ".jsonl");
      if (!Files.exists(history)) {
        continue;
      }
      if (name.equals("watch")) {
        checks.put(name, WatchChecker.check(readList(dir.resolve("watch-sessions.json"),
            WatchSession.class), readList(dir.resolve("watch-log.json"), WatchEvent.class)));
      } else if (name.equals("rest")) {
        checks.put(name, RestWorkload.check(HistoryFile.read(history),
            readList(dir.resolve("rest-watch-sessions.json"), WatchSession.class),
            readList(dir.resolve("rest-lists.json"), Listing.class),
            readList(dir.resolve("rest-watch-log.json"), WatchEvent.class)));
      } else {
        checks.put(name, Workload.named(name).check(HistoryFile.read(history)));
      }
    }
    write(dir.resolve("results-recheck.json"), checks);
    return checks;
  }

  /** The thread of worker {@code i} of {@code w}, with its own client. */
  private static <C> Thread worker(Workload<C> w, Masters masters, int i, Recorder h,
      AtomicInteger processes, long seed, Recorder clock, long end) {
    C client = w.client(masters, i);
    return new Thread(() -> work(w, client, h, processes, seed, clock, end),
        w.name() + "-client-" + i);
  }

  private static <T> List<T> readList(Path file, Class<T> type) throws IOException {
    return JSON.readValue(file.toFile(),
        JSON.getTypeFactory().constructCollectionType(List.class, type));
  }

  /**
   * One client: operations back to back until the end; after a failure it waits a moment (a
   * master that is down refuses at once), and after an info it takes a new process number.
   */
  private static <C> void work(Workload<C> w, C client, Recorder h, AtomicInteger processes,
      long seed, Recorder clock, long end) {
    Random rnd = new Random(seed);
    int process = processes.getAndIncrement();
    while (clock.now() < end) {
      Op.Type t = w.step(client, h, process, rnd);
      if (t == Op.Type.INFO) {
        process = processes.getAndIncrement();
      }
      if (t != Op.Type.OK) {
        try {
          Thread.sleep(FAILURE_PAUSE_MS); // the client's retry pace, as Jepsen's clients
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static Map<String, Object> summarize(Options o, Map<String, Recorder> histories,
      List<Nemesis.Event> timeline, Map<String, CheckResult> checks) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("seed", o.seed());
    s.put("seconds", o.time().toSeconds());
    s.put("workloads", o.workloads());
    s.put("nemeses", o.nemeses());
    Map<String, Long> ops = new LinkedHashMap<>();
    List<Op> writes = new ArrayList<>();
    histories.forEach((name, h) -> {
      for (Op op : h.history()) {
        if (!op.isInvoke()) {
          ops.merge(name + "-" + op.type().name().toLowerCase(Locale.ROOT), 1L,
              Long::sum);
          if (op.type() == Op.Type.OK && !op.f().startsWith("read")) {
            writes.add(op);
          }
        }
      }
    });
    s.put("operations", ops);
    Map<String, Long> faults = new LinkedHashMap<>();
    timeline.stream().filter(e -> e.phase().equals("start"))
        .forEach(e -> faults.merge(e.fault(), 1L, Long::sum));
    s.put("faults", faults);
    s.put("unavailabilityAfterLeaderKillMs", Unavailability.afterKills(timeline, writes));
    s.put("valid", checks.values().stream().allMatch(CheckResult::valid));
    return s;
  }

  private static void write(Path file, Object value) {
    try {
      JSON.writeValue(file.toFile(), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
