package dev.keelson.bench.load;

import dev.keelson.bench.watch.TlsOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every load workload has. */
final class CommonOptions {
  @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379",
      paramLabel = "host:port", description = "The servers' etcd v3 gRPC endpoints, comma "
          + "separated (default: ${DEFAULT-VALUE}).")
  List<String> endpoints;

  @Mixin TlsOptions tls;

  @Option(names = "--label", defaultValue = "unlabeled",
      description = "What runs the servers, e.g. keelson or etcd; recorded in the JSON "
          + "(default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--json-out", paramLabel = "file",
      description = "Also write the result as JSON to this file.")
  Path jsonOut;

  @Option(names = "--warmup-seconds", defaultValue = "1", paramLabel = "s",
      description = "Load before the measured part, not recorded (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--deadline-seconds", defaultValue = "10", paramLabel = "s",
      description = "Deadline of each request; one that passes it counts as a "
          + "DEADLINE_EXCEEDED error (default: ${DEFAULT-VALUE}).")
  double deadlineSeconds;

  long warmupNanos() {
    return (long) (warmupSeconds * 1e9);
  }

  long deadlineMillis() {
    return (long) (deadlineSeconds * 1000);
  }
}
