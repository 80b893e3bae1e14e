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

  /** Creates namespace {@code ns} unless it exists; blocks. */
  void ensureNamespace(String ns) throws IOException, InterruptedException {
    HttpResponse<String> r = client(0).send(post(0, "/api/v1/namespaces",
        ConfigMaps.namespace(ns)), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IOException("creating namespace " + ns + " on " + apis.get(0) + ": HTTP "
          + r.statusCode() + " " + r.body());
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
