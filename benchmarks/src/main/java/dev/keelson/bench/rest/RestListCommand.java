package dev.keelson.bench.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.bench.load.LoadReport;
import dev.keelson.bench.load.Pacer;
import dev.keelson.bench.load.Params;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rest-list}: lists of a namespace of M ConfigMaps, from the master's watch cache
 * ({@code resourceVersion=0}) and consistent (no resourceVersion: a quorum read), one mode
 * after the other.
 */
@Command(name = "rest-list", mixinStandardHelpOptions = true, sortOptions = false,
    description = "List throughput and latency over the Kubernetes REST API: preloads the "
        + "namespace with --objects ConfigMaps (created in parallel, skipped when they are "
        + "there), then --listers closed-loop clients list them, first from the watch cache "
        + "(resourceVersion=0), then consistently (no resourceVersion), --duration each. A list "
        + "that does not hold exactly --objects items is a 'wrong-count' error. --out gets a "
        + "JSON array: one result per mode.")
public final class RestListCommand implements Callable<Integer> {
  /** The JDK HTTP client's buffer size (java.net.http's documented networking property). */
  private static final String CLIENT_BUFFER_PROPERTY = "jdk.httpclient.bufsize";
  private static final int CLIENT_BUFFER_BYTES = 128 * 1024;

  /** How a list is read. */
  enum Mode {
    CACHE("?resourceVersion=0"), QUORUM("");

    final String query;

    Mode(String query) {
      this.query = query;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** {@code cache} or {@code quorum}, any case. */
    static Mode parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  /** Reads --mode values. */
  static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      return Mode.parse(value);
    }
  }

  @Spec CommandSpec spec;
  @Mixin RestOptions rest;

  @Option(names = "--objects", defaultValue = "10000", paramLabel = "M",
      description = "ConfigMaps in the namespace (default: ${DEFAULT-VALUE}).")
  int objects;

  @Option(names = "--listers", defaultValue = "4", paramLabel = "K",
      description = "Concurrent closed-loop listers (default: ${DEFAULT-VALUE}).")
  int listers;

  @Option(names = "--mode", defaultValue = "cache,quorum", split = ",",
      paramLabel = "cache|quorum", converter = ModeConverter.class,
      description = "Modes to measure, in order (default: ${DEFAULT-VALUE}).")
  List<Mode> modes;

  @Option(names = "--size", defaultValue = "1024", paramLabel = "bytes",
      description = "Bytes of each preloaded ConfigMap's JSON (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--preload-clients", defaultValue = "50", paramLabel = "N",
      description = "Concurrent creates while preloading (default: ${DEFAULT-VALUE}).")
  int preloadClients;

  @Option(names = "--namespace", defaultValue = "bench-list",
      description = "Namespace of the ConfigMaps, created if missing; it must hold no other "
          + "ConfigMaps (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Override
  public Integer call() throws Exception {
    try {
      rest.validate();
      if (objects < 1 || listers < 1 || size < 1 || preloadClients < 1 || modes.isEmpty()) {
        throw new IllegalArgumentException("--objects, --listers, --size, --preload-clients "
            + "must be positive and --mode not empty");
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    // the JDK client reads a socket 16 KiB at a time by default: a 13 MB list took ~850 reads,
    // each with its own copy and TLS bookkeeping (a quarter of the tool's CPU). Set before the
    // first client exists (it is read once); watches keep the default, their events are small.
    if (System.getProperty(CLIENT_BUFFER_PROPERTY) == null) {
      System.setProperty(CLIENT_BUFFER_PROPERTY, Integer.toString(CLIENT_BUFFER_BYTES));
    }
    ScheduledExecutorService timer = RestRun.timer("rest-list-timer");
    try (Masters masters = rest.masters()) {
      masters.ensureNamespace(namespace);
      preload(masters, timer);
      List<LoadReport> reports = new ArrayList<>();
      for (Mode mode : modes) {
        reports.add(measure(masters, timer, mode));
      }
      if (rest.out != null) {
        ObjectMapper json = LoadReport.mapper();
        json.writeValue(rest.out.toFile(), reports);
        System.err.println("wrote " + rest.out);
      }
      StringBuilder headline = new StringBuilder("rest-list");
      for (int i = 0; i < modes.size(); i++) {
        headline.append(String.format(" %s p99_ms=%.1f", modes.get(i),
            reports.get(i).latencyMs().p99()));
      }
      System.out.println(headline);
      return reports.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    } finally {
      timer.shutdownNow();
    }
  }

  /** Creates the missing ConfigMaps {@code l-000000}... unless all are there already. */
  private void preload(Masters masters, ScheduledExecutorService timer) throws Exception {
    long there = count(masters);
    if (there == objects) {
      System.err.printf("rest-list: %s already holds %d ConfigMaps; not preloading%n",
          namespace, there);
      return;
    }
    if (there > objects) {
      throw new IllegalStateException(namespace + " holds " + there + " ConfigMaps, more than "
          + "--objects " + objects + "; use another --namespace");
    }
    System.err.printf("rest-list: preloading %d ConfigMaps (%d there) into %s with %d "
        + "clients%n", objects, there, namespace, preloadClients);
    String path = Masters.configMaps(namespace);
    RestOperation create = (client, t) -> masters.client(client).sendAsync(
            masters.post(client, path, ConfigMaps.body(String.format("l-%06d", t.seq()), size)),
            HttpResponse.BodyHandlers.discarding())
        .thenApply(r -> r.statusCode() == 409 ? Outcome.OK : Outcome.status(r.statusCode(), 201));
    HttpStats stats = new HttpStats();
    long t0 = System.nanoTime();
    new RestLoop(preloadClients, new Pacer(0, 0, objects, 0), create, stats, timer,
        System::nanoTime).run();
    double s = (System.nanoTime() - t0) / 1e9;
    if (stats.errors() > 0) {
      throw new IOException("preloading failed: " + stats.errorsByCode());
    }
    long now = count(masters);
    System.err.printf("rest-list: preloaded in %.1f s (%.0f creates/s); %s holds %d%n", s,
        objects / s, namespace, now);
    if (now != objects) {
      throw new IllegalStateException(namespace + " holds " + now + " ConfigMaps after the "
          + "preload, not " + objects);
    }
  }

  private long count(Masters masters) throws Exception {
    HttpResponse<ListCounter.ListSummary> r = list(masters, 0, Mode.QUORUM).get();
    if (r.statusCode() != 200) {
      throw new IOException("listing " + namespace + ": HTTP " + r.statusCode());
    }
    return r.body().items();
  }

  private CompletableFuture<HttpResponse<ListCounter.ListSummary>> list(Masters masters,
      int client, Mode mode) {
    return masters.client(client).sendAsync(
        masters.request(client, Masters.configMaps(namespace) + mode.query).GET().build(),
        info -> info.statusCode() == 200 ? new ListSubscriber()
            : HttpResponse.BodySubscribers.replacing(null));
  }

  private LoadReport measure(Masters masters, ScheduledExecutorService timer, Mode mode)
      throws Exception {
    AtomicReference<ListCounter.ListSummary> last = new AtomicReference<>();
    RestOperation op = (client, t) -> list(masters, client, mode).thenApply(r -> {
      if (r.statusCode() != 200) {
        return Outcome.failed(Integer.toString(r.statusCode()));
      }
      last.set(r.body());
      return r.body().items() == objects ? Outcome.OK : Outcome.failed("wrong-count");
    });
    System.err.printf("rest-list: %d listers, %s lists of %d ConfigMaps from %s; %.1f s "
        + "warm-up, %.1f s measured%n", listers, mode, objects, masters.apis(),
        rest.warmupSeconds, rest.duration);
    Pacer pacer = new Pacer(0, rest.warmupNanos(), 0, rest.durationNanos());
    HttpStats stats = new HttpStats();
    new RestLoop(listers, pacer, op, stats, timer, System::nanoTime).run();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("mode", mode.toString());
    extra.put("query", mode.query.isEmpty() ? "(none: consistent read)" : mode.query);
    extra.put("objects", objects);
    extra.put("bytesPerList", last.get() == null ? 0 : last.get().bytes());
    extra.put("apis", masters.apis().stream().map(Object::toString).toList());
    LoadReport report = LoadReport.of("rest-list-" + mode, rest.label, Params.of(spec),
        stats.ok(), stats.errors(), stats.errorsByCode(),
        stats.secondsSince(pacer.measureStartNanos()), "lists/s", stats.latencies(), extra);
    report.print(System.out);
    return report;
  }
}
