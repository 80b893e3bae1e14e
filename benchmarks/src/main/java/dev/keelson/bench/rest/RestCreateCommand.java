package dev.keelson.bench.rest;

import dev.keelson.bench.load.LoadReport;
import dev.keelson.bench.load.Pacer;
import dev.keelson.bench.load.Params;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rest-create}: ConfigMap creates through the Kubernetes REST API, closed loop. */
@Command(name = "rest-create", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Create throughput and latency over the Kubernetes REST API: closed-loop "
        + "clients, each with one POST of a new ConfigMap (unique name) outstanding, spread "
        + "over the masters. Errors are counted by HTTP status.")
public final class RestCreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RestOptions rest;

  @Option(names = "--clients", defaultValue = "50", paramLabel = "N",
      description = "Concurrent closed-loop clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "creates/s",
      description = "Creates per second over all clients, 0 for no limit; with a rate, latency "
          + "counts from each create's due time (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--size", defaultValue = "1024", paramLabel = "bytes",
      description = "Bytes of each ConfigMap's JSON (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--namespace", defaultValue = "bench-create",
      description = "Namespace of the ConfigMaps, created if missing (default: "
          + "${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--keep", description = "Keep the namespace and the ConfigMaps created. By "
      + "default the namespace is deleted after the run, and waited for, so that every run "
      + "starts from the same store and the masters' caches do not grow run after run.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    Pacer pacer;
    try {
      rest.validate();
      if (clients < 1 || size < 1 || rate < 0) {
        throw new IllegalArgumentException("--clients and --size must be positive, --rate not "
            + "negative");
      }
      pacer = new Pacer(rate, rest.warmupNanos(), 0, rest.durationNanos());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ScheduledExecutorService timer = RestRun.timer("rest-create-timer");
    try (Masters masters = rest.masters()) {
      masters.ensureNamespace(namespace);
      String path = Masters.configMaps(namespace);
      String prefix = "c-" + RestRun.runId() + "-";
      RestOperation create = (client, t) -> masters.client(client).sendAsync(
              masters.post(client, path, ConfigMaps.body(prefix + t.seq(), size)),
              HttpResponse.BodyHandlers.discarding())
          .thenApply(r -> Outcome.status(r.statusCode(), 201));
      System.err.printf("rest-create: %d clients to %s, %d-byte ConfigMaps in %s; %.1f s "
          + "warm-up, %.1f s measured%n", clients, masters.apis(), size, namespace,
          rest.warmupSeconds, rest.duration);
      HttpStats stats = new HttpStats();
      new RestLoop(clients, pacer, create, stats, timer, System::nanoTime).run();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("apis", masters.apis().stream().map(Object::toString).toList());
      extra.put("objectBytes", ConfigMaps.body(prefix + 0, size).length);
      LoadReport report = LoadReport.of("rest-create", rest.label, Params.of(spec), stats.ok(),
          stats.errors(), stats.errorsByCode(), stats.secondsSince(pacer.measureStartNanos()),
          "creates/s", stats.latencies(), extra);
      report.emit(rest.out);
      System.out.printf("rest-create creates/s=%.1f%n", report.throughput());
      if (!keep) {
        System.err.printf("rest-create: namespace %s and its ConfigMaps deleted in %.1f s%n",
            namespace, masters.deleteNamespace(namespace));
      }
      return 0;
    } finally {
      timer.shutdownNow();
    }
  }
}
