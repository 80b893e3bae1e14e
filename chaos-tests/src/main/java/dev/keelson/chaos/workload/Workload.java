package dev.keelson.chaos.workload;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the clients do during a run, and which checker judges the history.
 *
 * @param <C> the client one worker runs its operations through (an etcd client, a REST client)
 */
public interface Workload<C> {
  String name();

  /** The client of worker number {@code worker}; workers are spread over the masters. */
  C client(Masters masters, int worker);

  /** Starts what runs beside the clients (watchers on every master), once the cluster is up. */
  default void start(Masters masters, Recorder clock) {}

  /**
   * Runs one operation as {@code process} through {@code client}, recording its invocation
   * and completion.
   *
   * @return how it ended; after {@code INFO} the process number must not be used again
   */
  Op.Type step(C client, Recorder history, int process, Random random);

  /**
   * After the faults have stopped and the cluster has healed: the final reads the checker needs
   * (on every master, so that one that diverged is caught).
   */
  void finish(Masters masters, Recorder history, int process);

  CheckResult check(List<Op> history);

  /** Whatever else the run directory should keep, as name → value written as JSON. */
  default Map<String, Object> artifacts() {
    return Map.of();
  }

  static Workload<?> named(String name) {
    return switch (name) {
      case "register" -> new RegisterWorkload(100);
      case "set" -> new SetWorkload();
      case "watch" -> new WatchWorkload();
      case "rest" -> new RestWorkload(100);
      default -> throw new IllegalArgumentException("unknown workload: " + name
          + " (register, set, watch, rest)");
    };
  }
}
