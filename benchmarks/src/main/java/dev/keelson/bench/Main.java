package dev.keelson.bench;

import dev.keelson.bench.compare.CompareReportCommand;
import dev.keelson.bench.load.PutCommand;
import dev.keelson.bench.load.RangeCommand;
import dev.keelson.bench.load.TxnPutCommand;
import dev.keelson.bench.load.WatchCommand;
import dev.keelson.bench.load.WatchLatencyCommand;
import dev.keelson.bench.rest.RestCreateCommand;
import dev.keelson.bench.rest.RestListCommand;
import dev.keelson.bench.rest.RestWatchCommand;
import dev.keelson.bench.watch.WatchScaleCommand;
import java.util.concurrent.ForkJoinPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code keelson-bench}: load tools that drive a Keelson cluster, or an etcd cluster for
 * comparison, through the etcd v3 gRPC API, and Keelson through its Kubernetes REST API
 * ({@code rest-*}, package {@code dev.keelson.bench.rest}), only as clients do.
 */
@Command(name = "keelson-bench", mixinStandardHelpOptions = true, version = "keelson-bench 0.1.0",
    subcommands = {WatchScaleCommand.class, PutCommand.class, RangeCommand.class,
        TxnPutCommand.class, WatchCommand.class, WatchLatencyCommand.class,
        RestCreateCommand.class, RestListCommand.class, RestWatchCommand.class,
        CompareReportCommand.class},
    description = "Benchmarks against Keelson or etcd over the etcd v3 gRPC API, and against "
        + "Keelson's Kubernetes REST API (rest-*).")
public final class Main implements Runnable {
  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    useCommonPoolForAsyncStages();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /**
   * With 2 CPUs the JDK's common pool gets one thread, and CompletableFuture then runs every
   * async stage given no executor on a thread of its own, started for it. The JDK HTTP client
   * completes each {@code sendAsync} through such a stage, so the REST workloads started a
   * thread per response: two threads for the pool instead (before anything creates it) took
   * rest-create from 440 and 463 to 704 and 815 creates/s, alternating on one cluster.
   */
  private static void useCommonPoolForAsyncStages() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      System.err.println("keelson-bench: the common pool has one thread (-D"
          + COMMON_POOL_PARALLELISM + "): every async stage will start a thread");
    }
  }
}
