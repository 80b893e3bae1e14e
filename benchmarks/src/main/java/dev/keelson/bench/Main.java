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
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
