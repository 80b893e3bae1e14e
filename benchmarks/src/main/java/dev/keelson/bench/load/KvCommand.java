package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.bench.watch.Channels;
import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The run of a KV workload: find the target servers, connect, let the workload prepare (write
 * what it reads), run the closed-loop clients through a warm-up and the measured part, report.
 */
abstract class KvCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin LoadOptions load;
  @Mixin KeyOptions keyOptions;

  final PrintStream log = System.err;

  /**
   * What a workload gets to prepare its operation with.
   *
   * @param channels the connections; client i uses {@code channels.get(i % size)}
   * @param timer the run's timer thread, for a preparatory closed loop
   */
  record Setup(List<ManagedChannel> channels, Keys keys, ByteString value,
      ScheduledExecutorService timer, long deadlineMillis) {}

  abstract String workload();

  /** Checks the workload's own options; throws IllegalArgumentException. */
  void validate() {}

  /** Prepares the servers for the workload and returns its operation. */
  abstract Operation prepare(Setup setup) throws Exception;

  /** Workload-specific figures for the report, after the run. */
  abstract void addExtra(Operation op, Map<String, Object> extra);

  @Override
  public Integer call() throws Exception {
    Keys keys;
    Pacer pacer;
    try {
      keys = keyOptions.keys(workload());
      pacer = load.pacer(common.warmupNanos());
      validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    common.tls.apply();
    Cluster cluster = Cluster.discover(common.endpoints);
    List<String> targets = cluster.endpoints(load.target);
    List<ManagedChannel> channels = Cluster.connect(targets, load.conns);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "load-timer");
      t.setDaemon(true);
      return t;
    });
    try {
      Operation op = prepare(new Setup(channels, keys, Keys.value(keyOptions.valSize), timer,
          common.deadlineMillis()));
      log.printf("%s: %d clients over %d connections to %s (server %s); %.1f s warm-up%n",
          workload(), load.clients, load.conns, targets, cluster.version(),
          common.warmupSeconds);
      Stats stats = new Stats();
      new ClosedLoop(load.clients, pacer, op, stats, timer, System::nanoTime).run();
      double seconds = stats.lastEndNanos() == Long.MIN_VALUE ? 0
          : (stats.lastEndNanos() - pacer.measureStartNanos()) / 1e9;
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("targets", targets);
      extra.put("serverVersion", cluster.version());
      addExtra(op, extra);
      LoadReport report = LoadReport.of(workload(), common.label, Params.of(spec), stats.ok(),
          stats.errors(), stats.errorsByCode(), seconds, "ops/s", stats.latencies(), extra);
      report.emit(common.jsonOut);
      return 0;
    } finally {
      timer.shutdownNow();
      Channels.closeAll(channels);
    }
  }
}
