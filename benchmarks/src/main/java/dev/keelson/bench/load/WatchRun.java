package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.bench.watch.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One run of a watch workload: watchers on a fresh key prefix from the current revision + 1,
 * then paced puts under it (a warm-up under {@code w/}, the measured ones under {@code m/}),
 * then a wait until every watcher has every measured put's event, then the check.
 */
final class WatchRun {
  private final String workload;
  private final CommonOptions common;
  private final WatchOptions options;
  private final PrintStream log;

  WatchRun(String workload, CommonOptions common, WatchOptions options, PrintStream log) {
    this.workload = workload;
    this.common = common;
    this.options = options;
    this.log = log;
  }

  /**
   * What a watch run measured.
   *
   * @param puts the measured puts, latency from due time to reply
   * @param measureStartNanos when the first measured put was due
   * @param putsSucceeded measured puts that succeeded: every watcher must have their events
   * @param events measured events received, over all watchers
   * @param responses the responses that carried them
   * @param lastEventNanos when the last of them arrived
   * @param delivered whether every watcher got every event before the drain bound
   * @param check the watchers' receipts against the successful puts
   * @param canceledWatchers watchers the server canceled
   * @param streamErrors streams that failed, by status code
   */
  record Outcome(Stats puts, long measureStartNanos, long putsSucceeded, int watchers,
      long events, long responses, long lastEventNanos, boolean delivered, Receipts.Check check,
      long canceledWatchers, Map<Status.Code, Long> streamErrors, List<String> watchTargets,
      List<String> putTargets, String serverVersion) {

    /** Seconds from the first measured put's due time to the last measured event. */
    double seconds() {
      return lastEventNanos == Long.MIN_VALUE ? 0 : (lastEventNanos - measureStartNanos) / 1e9;
    }

    /** Failed puts, failed streams, canceled watchers, missing and disordered events. */
    long errors() {
      return puts.errors() + streamErrors.values().stream().mapToLong(Long::longValue).sum()
          + canceledWatchers + check.missing() + check.outOfOrder();
    }

    /** Failed puts and failed streams by status code. */
    Map<String, Long> errorsByCode() {
      Map<String, Long> out = new LinkedHashMap<>(puts.errorsByCode());
      streamErrors.forEach((c, n) -> out.merge(c.name(), n, Long::sum));
      return out;
    }

    /** Prints and writes the report; the exit code: 1 when a watcher missed an event. */
    int emit(LoadReport report, java.nio.file.Path jsonOut) throws java.io.IOException {
      report.emit(jsonOut);
      if (!verified()) {
        System.out.println("FAILED: some watcher did not receive every event exactly once in "
            + "order");
        return 1;
      }
      return 0;
    }

    boolean verified() {
      return check.missing() == 0 && check.outOfOrder() == 0 && canceledWatchers == 0
          && streamErrors.isEmpty();
    }

    /** The figures both watch workloads report. */
    void addExtra(Map<String, Object> extra) {
      extra.put("verified", verified());
      extra.put("watchers", watchers);
      extra.put("puts", putsSucceeded);
      extra.put("putErrors", puts.errors());
      extra.put("eventsExpected", putsSucceeded * watchers);
      extra.put("eventsReceived", events);
      extra.put("eventResponses", responses);
      extra.put("eventsPerResponse",
          responses == 0 ? 0.0 : Math.round(events * 100.0 / responses) / 100.0);
      extra.put("missing", check.missing());
      extra.put("outOfOrder", check.outOfOrder());
      extra.put("unexpected", check.unexpected());
      extra.put("canceledWatchers", canceledWatchers);
      extra.put("streamErrors", streamErrors.values().stream().mapToLong(Long::longValue).sum());
      extra.put("watchTargets", watchTargets);
      extra.put("putTargets", putTargets);
      extra.put("serverVersion", serverVersion);
    }
  }

  /**
   * Runs the puts on {@code pacer}'s schedule; {@code onEvent} and {@code onReply} (may be null)
   * hear of each measured event and each measured put's reply.
   */
  Outcome run(Pacer pacer, WatchStream.Listener onEvent, WatchPutOperation.Listener onReply)
      throws Exception {
    common.tls.apply();
    Cluster cluster = Cluster.discover(common.endpoints);
    List<String> watchTargets = cluster.endpoints(options.watchTarget);
    List<String> putTargets = cluster.endpoints(options.putTarget);
    List<ManagedChannel> channels = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "watch-put-timer");
      t.setDaemon(true);
      return t;
    });
    Watchers watchers = null;
    try {
      List<ManagedChannel> putChannels = Cluster.connect(putTargets, putTargets.size());
      channels.addAll(putChannels);
      List<ManagedChannel> watchChannels = Cluster.connect(watchTargets, options.conns);
      channels.addAll(watchChannels);
      ByteString prefix = ByteString.copyFromUtf8("keelson-bench/" + workload + "/"
          + Long.toString(System.currentTimeMillis(), 36) + "/");
      long base = Channels.revision(putChannels.get(0)) + 1;
      long t0 = System.nanoTime();
      watchers = new Watchers(watchChannels, options.streams, options.watchersPerStream, prefix,
          WatchPutOperation.measuredPrefix(prefix), base, onEvent);
      watchers.awaitCreated(seconds(options.createSeconds));
      log.printf("%s: %d watchers on %d streams over %d connections to %s created in %.2f s; "
          + "puts to %s (server %s)%n", workload, watchers.watchers(), options.streams,
          options.conns, watchTargets, (System.nanoTime() - t0) / 1e9, putTargets,
          cluster.version());
      WatchPutOperation put = new WatchPutOperation(putChannels, prefix,
          Keys.value(options.valSize), common.deadlineMillis(), base, onReply);
      Stats stats = new Stats();
      new ClosedLoop(options.putClients, pacer, put, stats, timer, System::nanoTime).run();
      BitSet expected = put.succeeded();
      boolean delivered = watchers.awaitDelivered(expected, seconds(options.drainSeconds));
      if (!delivered) {
        log.printf("%s: not every watcher received every event within %.0f s%n", workload,
            options.drainSeconds);
      }
      return new Outcome(stats, pacer.measureStartNanos(), expected.cardinality(),
          watchers.watchers(), watchers.measuredEvents(), watchers.measuredResponses(),
          watchers.lastEventNanos(), delivered, watchers.check(expected), watchers.canceled(),
          watchers.streamErrors(), watchTargets, putTargets, cluster.version());
    } finally {
      if (watchers != null) {
        watchers.close();
      }
      timer.shutdownNow();
      Channels.closeAll(channels);
    }
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
