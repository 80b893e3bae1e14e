package dev.keelson.chaos;

import dev.keelson.chaos.check.Anomaly;
import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.cluster.Net;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/keelson chaos}: one run; exits 0 only if every checker passes. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Run a three-master Keelson as real processes on 127.0.0.11-13, inject faults"
        + " while clients work, and check the histories.")
public final class Main implements Callable<Integer> {
  /** Three masters and the harness share the machine's cores: small heaps, C1 only. */
  public static final List<String> MASTER_JVM =
      List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** What {@code --workload all} runs. */
  public static final List<String> ALL_WORKLOADS = List.of("register", "set", "watch", "rest");

  @Option(names = "--workload", defaultValue = "all",
      description = "register, set, watch (etcd API), rest (Kubernetes API), or all of them "
          + "(default: ${DEFAULT-VALUE}); comma-separated.")
  String workload;

  @Option(names = "--nemesis", defaultValue = "kill-leader,kill,pause,partition,restart-all",
      description = "Faults, comma-separated: kill-leader, kill, pause, partition, restart-all, "
          + "or none (default: ${DEFAULT-VALUE}).")
  String nemesis;

  @Option(names = "--time", defaultValue = "60", description = "Seconds of faults and "
      + "operations (default: ${DEFAULT-VALUE}).")
  long seconds;

  @Option(names = "--seed", description = "Seeds the fault schedule and the clients (default: "
      + "the time).")
  Long seed;

  @Option(names = "--clients", defaultValue = "3",
      description = "Clients per workload, spread over the masters (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--jar", defaultValue = "apiserver/target/keelson.jar",
      description = "The master's jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Option(names = "--out", description = "Run directory (default: "
      + "chaos-tests/target/runs/<date-time>).")
  Path out;

  @Option(names = "--fault", hidden = true, description = "Test only: switch on a named fault "
      + "point in the masters (see dev.keelson.fault.FaultPoints), to show the checkers catch it.")
  String fault;

  @Option(names = "--check", paramLabel = "DIR", description = "Only run the checkers again on "
      + "the histories a run left in DIR; exits 0 if they all pass.")
  Path recheck;

  @Option(names = "--cleanup", description = "Only remove what an interrupted run left "
      + "(processes, cgroups, iptables rules), then exit.")
  boolean cleanupOnly;

  @Override
  public Integer call() throws Exception {
    if (recheck != null) {
      boolean valid = true;
      for (Map.Entry<String, CheckResult> e : ChaosRun.recheck(recheck).entrySet()) {
        CheckResult c = e.getValue();
        valid &= c.valid();
        System.out.println(e.getKey() + ": " + (c.valid() ? "valid" : "INVALID " + c.names())
            + " " + c.stats());
      }
      System.out.println(valid ? "VALID" : "INVALID");
      return valid ? 0 : 1;
    }
    if (cleanupOnly) {
      ChaosRun.cleanLeftoversUnlessRunning();
      System.out.println("cleaned up; iptables chain left over: " + Net.leftOver());
      return 0;
    }
    var why = Net.unavailable();
    if (why.isPresent()) {
      System.err.println("cannot run: " + why.get());
      return 2;
    }
    List<String> workloads = workload.equals("all") ? ALL_WORKLOADS
        : Arrays.asList(workload.split(","));
    List<String> nemeses = nemesis.equals("none") ? List.of() : Arrays.asList(nemesis.split(","));
    long s = seed != null ? seed : System.currentTimeMillis();
    Path dir = out != null ? out : Path.of(System.getProperty("keelson.chaos.runs",
        "chaos-tests/target/runs"), LocalDateTime.now().format(
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    List<String> jvm = new ArrayList<>(MASTER_JVM);
    if (fault != null) {
      jvm.add("-Dkeelson.faults=" + fault);
    }
    ChaosRun.Result r = ChaosRun.run(new ChaosRun.Options(workloads, new ArrayList<>(nemeses),
        Duration.ofSeconds(seconds), s, clients, jar.toAbsolutePath(), jvm, dir.toAbsolutePath()));
    print(r);
    return r.valid() ? 0 : 1;
  }

  static void print(ChaosRun.Result r) {
    System.out.println("run directory: " + r.dir());
    Map<String, Object> s = r.summary();
    System.out.println("seed " + s.get("seed") + ", " + s.get("seconds") + " s, faults "
        + s.get("faults"));
    System.out.println("operations " + s.get("operations"));
    System.out.println("unavailability after leader kills (ms) "
        + s.get("unavailabilityAfterLeaderKillMs"));
    for (Map.Entry<String, CheckResult> e : r.checks().entrySet()) {
      CheckResult c = e.getValue();
      System.out.println(e.getKey() + ": " + (c.valid() ? "valid" : "INVALID " + c.names())
          + " " + c.stats());
      for (Anomaly a : c.anomalies()) {
        System.out.println("  " + a.name() + ": " + a.message());
        a.evidence().forEach(line -> System.out.println("      " + line));
      }
    }
    System.out.println(r.valid() ? "VALID" : "INVALID");
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof IllegalStateException) { // another run, no leader, a master that died
        line.getErr().println("chaos: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    System.exit(cli.execute(args));
  }
}
