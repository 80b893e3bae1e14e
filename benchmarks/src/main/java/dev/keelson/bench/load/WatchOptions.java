package dev.keelson.bench.load;

import picocli.CommandLine.Option;

/** The watchers and the puts of a watch workload. */
final class WatchOptions {
  @Option(names = "--streams", defaultValue = "10", paramLabel = "N",
      description = "Watch streams (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--watchers-per-stream", defaultValue = "10", paramLabel = "N",
      description = "Watchers on each stream, all on the run's key prefix "
          + "(default: ${DEFAULT-VALUE}).")
  int watchersPerStream;

  @Option(names = "--conns", defaultValue = "5", paramLabel = "N",
      description = "Connections the streams are spread over (default: ${DEFAULT-VALUE}).")
  int conns;

  @Option(names = "--watch-target", defaultValue = "all",
      paramLabel = "leader|follower|all",
      description = "Where the streams go: leader, follower (the non-leaders) or all, the "
          + "connections round-robin over them (default: ${DEFAULT-VALUE}).")
  String watchTarget;

  @Option(names = "--put-target", defaultValue = "leader",
      paramLabel = "leader|follower|all",
      description = "Where the puts go: leader, follower or all, one connection each "
          + "(default: ${DEFAULT-VALUE}).")
  String putTarget;

  @Option(names = "--put-rate", defaultValue = "100", paramLabel = "puts/s",
      description = "Puts per second, 0 for as fast as the put clients go "
          + "(default: ${DEFAULT-VALUE}).")
  double putRate;

  @Option(names = "--put-clients", defaultValue = "8", paramLabel = "N",
      description = "Closed-loop put clients sharing the rate (default: ${DEFAULT-VALUE}).")
  int putClients;

  @Option(names = "--put-total", paramLabel = "N",
      description = "Measured puts (instead of --duration).")
  Long putTotal;

  @Option(names = "--duration", paramLabel = "s",
      description = "Measured seconds of puts (default: " + LoadOptions.DEFAULT_DURATION
          + " unless --put-total is given).")
  Double duration;

  @Option(names = "--val-size", defaultValue = "256", paramLabel = "bytes",
      description = "Bytes per value (default: ${DEFAULT-VALUE}).")
  int valSize;

  @Option(names = "--drain-seconds", defaultValue = "30", paramLabel = "s",
      description = "How long to wait, after the last put, for every watcher to receive every "
          + "event (default: ${DEFAULT-VALUE}).")
  double drainSeconds;

  @Option(names = "--create-seconds", defaultValue = "120", paramLabel = "s",
      description = "Bound on creating the watchers (default: ${DEFAULT-VALUE}).")
  double createSeconds;

  /** The puts' schedule; fails on options that do not fit together. */
  /** {@link #pacer(long)}, with bad options reported as a usage error of {@code spec}. */
  Pacer pacer(picocli.CommandLine.Model.CommandSpec spec, long warmupNanos) {
    try {
      return pacer(warmupNanos);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  Pacer pacer(long warmupNanos) {
    if (streams < 1 || watchersPerStream < 1 || conns < 1 || putClients < 1) {
      throw new IllegalArgumentException("--streams, --watchers-per-stream, --conns and "
          + "--put-clients must be at least 1");
    }
    Cluster.checkRole(watchTarget);
    Cluster.checkRole(putTarget);
    return LoadOptions.pacer(putRate, warmupNanos, putTotal, duration);
  }
}
