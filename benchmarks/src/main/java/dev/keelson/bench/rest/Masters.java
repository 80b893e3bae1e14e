package dev.keelson.bench.rest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The Kubernetes APIs of the masters, over HTTPS/1.1 with the JDK's HTTP client: request
 * {@code i} goes to master {@code i % masters} through client {@code i % clients} (each client
 * has its own selector thread; they share a small executor). The JDK client opens a connection
 * per concurrent request and keeps it for the next one, so N closed-loop clients hold about N
 * connections, and each watch holds one.
 */
final class Masters implements AutoCloseable {
  private final List<URI> apis;
  private final List<HttpClient> clients = new ArrayList<>();
  private final ExecutorService executor;
  private final Duration timeout;

  Masters(List<URI> apis, SSLContext ssl, int httpClients, int threads, Duration timeout) {
    if (apis.isEmpty() || httpClients < 1 || threads < 1) {
      throw new IllegalArgumentException("need an API, a client and a thread");
    }
    this.apis = List.copyOf(apis);
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "rest-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < httpClients; i++) {
      clients.add(HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(timeout).executor(executor).build());
    }
  }

  List<URI> apis() {
    return apis;
  }

  /** A request of client {@code i} for {@code pathAndQuery} (from the API root, "/api/v1/.."). */
  HttpRequest.Builder request(int i, String pathAndQuery) {
    return HttpRequest.newBuilder(apis.get(i % apis.size()).resolve(pathAndQuery))
        .timeout(timeout).header("Accept", "application/json");
  }

  /**
   * A request of client {@code i} without a timeout, for a watch: the caller bounds how long it
   * waits for the response headers, and the stream lasts as long as the run.
   */
  HttpRequest.Builder streamRequest(int i, String pathAndQuery) {
    return HttpRequest.newBuilder(apis.get(i % apis.size()).resolve(pathAndQuery))
        .header("Accept", "application/json");
  }

  /** A JSON POST of {@code body}. */
  HttpRequest post(int i, String path, byte[] body) {
    return request(i, path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  HttpClient client(int i) {
    return clients.get(i % clients.size());
  }

  /**
   * Creates namespace {@code ns} unless it exists; blocks. One still being deleted (an earlier
   * run's, say) is waited for first, so that creates in it are not refused.
   */
  void ensureNamespace(String ns) throws IOException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = client(0).send(post(0, "/api/v1/namespaces",
          ConfigMaps.namespace(ns)), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 201) {
        return;
      }
      if (r.statusCode() != 409) {
        throw new IOException("creating namespace " + ns + " on " + apis.get(0) + ": HTTP "
            + r.statusCode() + " " + r.body());
      }
      HttpResponse<String> got = client(0).send(request(0, "/api/v1/namespaces/" + ns).GET()
          .build(), HttpResponse.BodyHandlers.ofString());
      if (got.statusCode() == 200 && !got.body().contains("\"deletionTimestamp\"")) {
        return;
      }
      if (attempt == 0) {
        System.err.printf("namespace %s is being deleted; waiting for it to go%n", ns);
      }
      awaitGone(ns, NAMESPACE_DELETE_WAIT);
    }
  }

  /** How long a namespace's deletion (its objects first) is waited for. */
  static final Duration NAMESPACE_DELETE_WAIT = Duration.ofMinutes(10);

  /**
   * Deletes namespace {@code ns} and everything in it, and waits until it is gone; returns the
   * seconds that took.
   */
  double deleteNamespace(String ns) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> r = client(0).send(request(0, "/api/v1/namespaces/" + ns).DELETE()
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 && r.statusCode() != 202 && r.statusCode() != 404) {
      throw new IOException("deleting namespace " + ns + " on " + apis.get(0) + ": HTTP "
          + r.statusCode() + " " + r.body());
    }
    awaitGone(ns, NAMESPACE_DELETE_WAIT);
    return (System.nanoTime() - start) / 1e9;
  }

  private void awaitGone(String ns, Duration atMost) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (client(0).send(request(0, "/api/v1/namespaces/" + ns).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() != 404) {
      if (System.nanoTime() > deadline) {
        throw new IOException("namespace " + ns + " still there after " + atMost.toSeconds()
            + " s");
      }
      Thread.sleep(500); // polling the server, not waiting for a condition in this process
    }
  }

  /** The collection path of ConfigMaps in {@code ns}. */
  static String configMaps(String ns) {
    return "/api/v1/namespaces/" + ns + "/configmaps";
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
