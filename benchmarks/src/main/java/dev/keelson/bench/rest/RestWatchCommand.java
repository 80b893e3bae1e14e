package dev.keelson.bench.rest;

import dev.keelson.bench.load.LoadReport;
import dev.keelson.bench.load.Pacer;
import dev.keelson.bench.load.Params;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rest-watch}: REST watch fan-out. W watchers on one namespace's ConfigMaps, from the
 * namespace's current resourceVersion, then P closed-loop writers creating ConfigMaps (named
 * {@code <run>-w-<seq>} in the warm-up, {@code <run>-m-<seq>} measured), then a wait until
 * every watcher has every measured write's event, then the check ({@link DeliveryCheck}).
 */
@Command(name = "rest-watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Watch delivery over the Kubernetes REST API: events received by all "
        + "watchers per second, from the first measured write to the last event received. "
        + "Every watcher must receive every successful write's event once, in order; a "
        + "missing one is 'lost' (an error), as is a watch the server ended. latencyMs: from "
        + "the write's reply to the event's arrival (events matched by resourceVersion). "
        + "Exits 1 if an event was lost.")
public final class RestWatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RestOptions rest;

  @Option(names = "--watchers", defaultValue = "1000", paramLabel = "W",
      description = "Watches, spread over the masters, one connection each "
          + "(default: ${DEFAULT-VALUE}).")
  int watchers;

  @Option(names = "--writers", defaultValue = "8", paramLabel = "P",
      description = "Closed-loop writers (default: ${DEFAULT-VALUE}).")
  int writers;

  @Option(names = "--write-rate", defaultValue = "0", paramLabel = "writes/s",
      description = "Writes per second over all writers, 0 for as fast as they go "
          + "(default: ${DEFAULT-VALUE}).")
  double writeRate;

  @Option(names = "--size", defaultValue = "1024", paramLabel = "bytes",
      description = "Bytes of each written ConfigMap's JSON (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--namespace", defaultValue = "bench-watch",
      description = "Namespace watched and written, created if missing (default: "
          + "${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--connect-parallelism", defaultValue = "50", paramLabel = "N",
      description = "Watches being opened at a time (default: ${DEFAULT-VALUE}).")
  int connectParallelism;

  @Option(names = "--create-seconds", defaultValue = "120", paramLabel = "s",
      description = "Bound on opening all the watches (default: ${DEFAULT-VALUE}).")
  double createSeconds;

  @Option(names = "--drain-seconds", defaultValue = "30", paramLabel = "s",
      description = "How long to wait after the last write for every watcher to receive "
          + "every event (default: ${DEFAULT-VALUE}).")
  double drainSeconds;

  @Override
  public Integer call() throws Exception {
    Pacer pacer;
    try {
      rest.validate();
      if (watchers < 1 || writers < 1 || size < 1 || connectParallelism < 1 || writeRate < 0
          || createSeconds <= 0 || drainSeconds < 0) {
        throw new IllegalArgumentException("--watchers, --writers, --size, "
            + "--connect-parallelism, --create-seconds must be positive, --write-rate and "
            + "--drain-seconds not negative");
      }
      pacer = new Pacer(writeRate, rest.warmupNanos(), 0, rest.durationNanos());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ScheduledExecutorService timer = RestRun.timer("rest-watch-timer");
    String run = "w" + RestRun.runId();
    String measuredPrefix = run + "-m-";
    String warmupPrefix = run + "-w-";
    String path = Masters.configMaps(namespace);
    // the writers get clients and threads of their own: behind a thousand streams' events their
    // replies would wait in the watchers' executor, and closed-loop writers would write less
    try (Masters masters = rest.masters(); Masters writerMasters = rest.masters()) {
      masters.ensureNamespace(namespace);
      long from = currentResourceVersion(masters, path);
      long t0 = System.nanoTime();
      Writes writes = new Writes();
      HttpStats writeStats = new HttpStats();
      Result r;
      try (WatchFleet fleet = new WatchFleet(masters, path, from, measuredPrefix, watchers,
          connectParallelism, seconds(createSeconds))) {
        System.err.printf("rest-watch: %d watchers of %s from resourceVersion %d on %s opened "
            + "in %.1f s; %d writers%s of %d-byte ConfigMaps; %.1f s warm-up, %.1f s "
            + "measured%n", watchers, path, from, masters.apis(), (System.nanoTime() - t0) / 1e9,
            writers, writeRate > 0 ? String.format(" at %.0f/s", writeRate) : "", size,
            rest.warmupSeconds, rest.duration);
        RestOperation write = (client, t) -> {
          String name = (t.measured() ? measuredPrefix : warmupPrefix) + t.seq();
          long sent = System.nanoTime();
          return writerMasters.client(client).sendAsync(
                  writerMasters.post(client, path, ConfigMaps.body(name, size)),
                  HttpResponse.BodyHandlers.ofByteArray())
              .thenApply(resp -> replied(resp, t.measured(), sent, writes));
        };
        new RestLoop(writers, pacer, write, writeStats, timer, System::nanoTime).run();
        int perWatcher = writes.size();
        boolean delivered = fleet.awaitEvents(perWatcher, seconds(drainSeconds));
        if (!delivered) {
          System.err.printf("rest-watch: not every watcher received all %d events within "
              + "%.0f s of the last write%n", perWatcher, drainSeconds);
        }
        DeliveryCheck check = new DeliveryCheck(writes.sorted());
        fleet.streams().forEach(s -> check.watcher(s.arrivals().snapshot()));
        r = new Result(check.result(), fleet.ended(), fleet.errorEvents(), delivered);
      }
      LoadReport report = report(r, writeStats, pacer, masters);
      report.emit(rest.out);
      System.out.printf("rest-watch events/s=%.1f lost=%d%n", report.throughput(),
          r.check().missing());
      return r.check().missing() == 0 && report.errors() == 0 ? 0 : 1;
    } finally {
      timer.shutdownNow();
    }
  }

  /**
   * What the watchers got, and how their streams fared.
   *
   * @param delivered whether every watcher still open had every event before the drain bound
   */
  private record Result(DeliveryCheck.Result check, Map<String, Long> ended, long errorEvents,
      boolean delivered) {}

  private static Outcome replied(HttpResponse<byte[]> resp, boolean measured, long sent,
      Writes writes) {
    long replied = System.nanoTime();
    if (resp.statusCode() != 201) {
      return Outcome.failed(Integer.toString(resp.statusCode()));
    }
    if (measured) {
      try {
        writes.add(new Writes.Write(ObjectJson.meta(resp.body()).resourceVersion(), sent,
            replied));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Outcome.OK;
  }

  private static long currentResourceVersion(Masters masters, String path) throws Exception {
    HttpResponse<ListCounter.ListSummary> r = masters.client(0).sendAsync(
        masters.request(0, path + "?limit=1").GET().build(),
        info -> info.statusCode() == 200 ? new ListSubscriber()
            : HttpResponse.BodySubscribers.replacing(null)).get();
    if (r.statusCode() != 200 || r.body().resourceVersion() < 1) {
      throw new IOException("listing " + path + " for its resourceVersion: HTTP "
          + r.statusCode());
    }
    return r.body().resourceVersion();
  }

  private LoadReport report(Result r, HttpStats writeStats, Pacer pacer, Masters masters) {
    DeliveryCheck.Result c = r.check();
    long start = pacer.measureStartNanos();
    long streamsEnded = r.ended().values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> errorsByCode = new TreeMap<>();
    writeStats.errorsByCode().forEach((code, n) -> errorsByCode.put("write " + code, n));
    r.ended().forEach((why, n) -> errorsByCode.put("watch ended: " + why, n));
    putIfPositive(errorsByCode, "lost", c.missing());
    putIfPositive(errorsByCode, "duplicate", c.duplicates());
    putIfPositive(errorsByCode, "out-of-order", c.outOfOrder());
    putIfPositive(errorsByCode, "ERROR event", r.errorEvents());
    long errors = c.errors() + writeStats.errors() + streamsEnded + r.errorEvents();
    double writeSeconds = writeStats.secondsSince(start);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("latencyOf", "events: write reply to event received");
    extra.put("watchers", c.watchers());
    extra.put("writes", c.writes());
    extra.put("writesPerSecond",
        writeSeconds > 0 ? Math.round(c.writes() * 10 / writeSeconds) / 10.0 : 0);
    extra.put("writeErrors", writeStats.errors());
    extra.put("eventsExpected", c.expected());
    extra.put("eventsReceived", c.received());
    extra.put("lost", c.missing());
    extra.put("duplicates", c.duplicates());
    extra.put("outOfOrder", c.outOfOrder());
    extra.put("unexpected", c.unexpected());
    extra.put("openWatchersCaughtUp", r.delivered());
    extra.put("watchesEnded", streamsEnded);
    extra.put("beforeReply", c.beforeReply());
    extra.put("fromSendMs", LoadReport.Latency.of(c.fromSendMicros()));
    extra.put("writeLatencyMs", LoadReport.Latency.of(writeStats.latencies()));
    extra.put("apis", masters.apis().stream().map(Object::toString).toList());
    return LoadReport.of("rest-watch", rest.label, Params.of(spec), c.received(), errors,
        errorsByCode, c.seconds(start), "events/s", c.fromReplyMicros(), extra);
  }

  private static void putIfPositive(Map<String, Long> m, String k, long v) {
    if (v > 0) {
      m.put(k, v);
    }
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
