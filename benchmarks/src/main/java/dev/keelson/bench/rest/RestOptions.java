package dev.keelson.bench.rest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every REST workload has: the masters, the TLS files, the timing, the output. */
final class RestOptions {
  static final double DEFAULT_DURATION = 10;

  @Option(names = "--api", paramLabel = "https://host:port",
      defaultValue = "https://127.0.0.1:6443,https://127.0.0.1:16443,https://127.0.0.1:26443",
      split = ",", description = "A master's Kubernetes API; repeat (or separate with commas) "
          + "for several: requests and watches are spread over all of them "
          + "(default: ${DEFAULT-VALUE}).")
  List<URI> apis;

  @Option(names = "--ca", defaultValue = ".keelson/local/pki/ca.crt", paramLabel = "file",
      description = "PEM certificate(s) of the CA the servers' certificates are checked "
          + "against (default: ${DEFAULT-VALUE}).")
  Path ca;

  @Option(names = "--cert", defaultValue = ".keelson/local/pki/admin.crt", paramLabel = "file",
      description = "PEM client certificate presented to the servers (default: "
          + "${DEFAULT-VALUE}).")
  Path cert;

  @Option(names = "--key", defaultValue = ".keelson/local/pki/admin.key", paramLabel = "file",
      description = "Its private key, PEM, unencrypted PKCS#8, EC or RSA (default: "
          + "${DEFAULT-VALUE}).")
  Path key;

  @Option(names = "--label", defaultValue = "unlabeled",
      description = "What runs the servers, recorded in the JSON (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--out", paramLabel = "FILE.json",
      description = "Also write the result as JSON to this file.")
  Path out;

  @Option(names = "--duration", defaultValue = "" + DEFAULT_DURATION, paramLabel = "s",
      description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--warmup-seconds", defaultValue = "1", paramLabel = "s",
      description = "Load before the measured part, not recorded (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--deadline-seconds", defaultValue = "10", paramLabel = "s",
      description = "Timeout of each request (not of watches); one that passes it counts as "
          + "a 'timeout' error (default: ${DEFAULT-VALUE}).")
  double deadlineSeconds;

  @Option(names = "--http-clients", defaultValue = "2", paramLabel = "N",
      description = "JDK HTTP clients (each has a selector thread) the connections are spread "
          + "over (default: ${DEFAULT-VALUE}).")
  int httpClients;

  @Option(names = "--http-threads", defaultValue = "4", paramLabel = "N",
      description = "Threads the HTTP clients share for TLS and parsing responses "
          + "(default: ${DEFAULT-VALUE}).")
  int httpThreads;

  long warmupNanos() {
    return (long) (warmupSeconds * 1e9);
  }

  long durationNanos() {
    return (long) (duration * 1e9);
  }

  /** Checks the options every workload shares; throws IllegalArgumentException. */
  void validate() {
    if (duration <= 0 || warmupSeconds < 0 || deadlineSeconds <= 0) {
      throw new IllegalArgumentException("--duration and --deadline-seconds must be positive, "
          + "--warmup-seconds not negative");
    }
    if (httpClients < 1 || httpThreads < 1) {
      throw new IllegalArgumentException("--http-clients and --http-threads must be at least 1");
    }
    for (URI u : apis) {
      if (!"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("--api must be https://host:port, got " + u);
      }
    }
  }

  /** Connects to the masters with the TLS files. */
  Masters masters() throws IOException, GeneralSecurityException {
    return new Masters(apis, new Tls(ca, cert, key).context(), httpClients, httpThreads,
        Duration.ofMillis((long) (deadlineSeconds * 1000)));
  }
}
