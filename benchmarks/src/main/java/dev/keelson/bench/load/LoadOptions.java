package dev.keelson.bench.load;

import picocli.CommandLine.Option;

/** How much load a KV workload sends, from how many clients, to which servers. */
final class LoadOptions {
  static final double DEFAULT_DURATION = 10;

  @Option(names = "--clients", defaultValue = "50", paramLabel = "N",
      description = "Concurrent closed-loop clients, each with one request outstanding "
          + "(default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--conns", defaultValue = "10", paramLabel = "N",
      description = "gRPC connections; client i uses connection i %% conns "
          + "(default: ${DEFAULT-VALUE}).")
  int conns;

  @Option(names = "--total", paramLabel = "N",
      description = "Measured operations to run (instead of --duration).")
  Long total;

  @Option(names = "--duration", paramLabel = "s",
      description = "Measured seconds to run (default: " + DEFAULT_DURATION
          + " unless --total is given).")
  Double duration;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "ops/s",
      description = "Operations per second over all clients, 0 for no limit. With a rate each "
          + "operation is due at a fixed time and its latency counts from then "
          + "(default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--target", defaultValue = "leader", paramLabel = "leader|all|follower",
      description = "leader: every connection to the leader (found with Maintenance.Status); "
          + "all: connections round-robin over all endpoints; follower: over the "
          + "non-leaders (default: ${DEFAULT-VALUE}).")
  String target;

  /**
   * The schedule these options ask for, after a warm-up of {@code warmupNanos}; fails on
   * options that do not fit together.
   */
  Pacer pacer(long warmupNanos) {
    if (clients < 1 || conns < 1) {
      throw new IllegalArgumentException("--clients and --conns must be at least 1");
    }
    Cluster.checkRole(target);
    return pacer(rate, warmupNanos, total, duration);
  }

  /** A schedule: a total or a duration (not both), {@link #DEFAULT_DURATION} if neither. */
  static Pacer pacer(double rate, long warmupNanos, Long total, Double duration) {
    if (total != null && duration != null) {
      throw new IllegalArgumentException("give a total or a duration, not both");
    }
    if (total != null && total < 1) {
      throw new IllegalArgumentException("total must be positive, got " + total);
    }
    long durationNanos = total != null ? 0
        : (long) ((duration == null ? DEFAULT_DURATION : duration) * 1e9);
    return new Pacer(rate, warmupNanos, total == null ? 0 : total, durationNanos);
  }
}
