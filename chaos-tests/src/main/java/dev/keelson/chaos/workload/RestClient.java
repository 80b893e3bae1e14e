package dev.keelson.chaos.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The few Kubernetes API calls the rest workload makes, on ConfigMaps in namespace
 * {@value #NAMESPACE}, over HTTPS with the admin's client certificate. A client talks to one
 * master at a time, starting with a given one, and moves on to the next in turn when told to
 * ({@link #next()}, after a failure).
 *
 * <p>Nothing is retried: the JDK client retries only GETs (on a pooled connection found closed)
 * and connections that were refused, so a write that reached a master was sent once, and a
 * 409 means that request, not an earlier copy of it, was refused.
 */
final class RestClient {
  static final String NAMESPACE = "chaos";
  static final String CONFIGMAPS = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
  /** Where the store keeps them (the etcd API shows it): key = prefix + name. */
  static final String STORE_PREFIX = "/registry/core/configmaps/" + NAMESPACE + "/";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: the status code and the body (a missing node when it is not JSON). */
  record Reply(int status, JsonNode body) {
    /** A short text for the history: {@code 409 Conflict: ...}. */
    String describe() {
      String reason = body.path("reason").asText("");
      String message = body.path("message").asText("");
      return status + (reason.isEmpty() ? "" : " " + reason)
          + (message.isEmpty() ? "" : ": " + message);
    }
  }

  private final HttpClient http;
  private final Masters masters;
  private final Duration timeout;
  private volatile int current;

  RestClient(HttpClient http, Masters masters, int first, Duration timeout) {
    this.http = http;
    this.masters = masters;
    this.current = first % masters.size();
    this.timeout = timeout;
  }

  /** One HTTP/1.1 client (as the masters serve) for every REST client of a run. */
  static HttpClient http(Path pki) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(RestTls.context(pki)).connectTimeout(Duration.ofSeconds(1)).build();
  }

  /** The master it talks to now. */
  String endpoint() {
    return masters.ids().get(current);
  }

  /** Moves on to the next master. */
  void next() {
    current = (current + 1) % masters.size();
  }

  /** A quorum read of one ConfigMap (no resourceVersion given). */
  Reply get(String name) throws IOException, InterruptedException {
    return send(request(CONFIGMAPS + "/" + name).GET());
  }

  /** A consistent list of the namespace's ConfigMaps. */
  Reply list() throws IOException, InterruptedException {
    return send(request(CONFIGMAPS).GET());
  }

  /** Creates ConfigMap {@code name} with {@code data.v = value} (null: no data). */
  Reply create(String name, String value) throws IOException, InterruptedException {
    return send(request(CONFIGMAPS).POST(body(configMap(name, value, null))));
  }

  /** Replaces it with {@code data.v = value} if it is still at {@code resourceVersion}. */
  Reply update(String name, long resourceVersion, String value)
      throws IOException, InterruptedException {
    return send(request(CONFIGMAPS + "/" + name)
        .PUT(body(configMap(name, value, resourceVersion))));
  }

  /** Deletes it if it is still at {@code resourceVersion}. */
  Reply delete(String name, long resourceVersion) throws IOException, InterruptedException {
    ObjectNode options = JSON.createObjectNode().put("apiVersion", "v1")
        .put("kind", "DeleteOptions");
    options.putObject("preconditions").put("resourceVersion", Long.toString(resourceVersion));
    return send(request(CONFIGMAPS + "/" + name).method("DELETE", body(options)));
  }

  /** Creates the namespace (409 AlreadyExists when it is there). */
  Reply createNamespace() throws IOException, InterruptedException {
    ObjectNode ns = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    ns.putObject("metadata").put("name", NAMESPACE);
    return send(request("/api/v1/namespaces").POST(body(ns)));
  }

  /**
   * Opens a watch of the namespace's ConfigMaps after {@code resourceVersion}, with bookmarks;
   * returns once the headers have come (the timeout bounds only that wait).
   */
  HttpResponse<InputStream> watch(long resourceVersion) throws IOException, InterruptedException {
    return http.send(request(CONFIGMAPS + "?watch=1&allowWatchBookmarks=true&resourceVersion="
        + resourceVersion).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  static ObjectNode configMap(String name, String value, Long resourceVersion) {
    ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode meta = cm.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
    if (resourceVersion != null) {
      meta.put("resourceVersion", Long.toString(resourceVersion));
    }
    if (value != null) {
      cm.putObject("data").put("v", value);
    }
    return cm;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(masters.api().get(current).resolve(path)).timeout(timeout)
        .header("Accept", "application/json").header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher body(JsonNode n) {
    return HttpRequest.BodyPublishers.ofString(n.toString());
  }

  private Reply send(HttpRequest.Builder r) throws IOException, InterruptedException {
    HttpResponse<byte[]> res = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body;
    try {
      body = res.body().length == 0 ? MissingNode.getInstance() : JSON.readTree(res.body());
    } catch (JsonProcessingException e) {
      body = MissingNode.getInstance();
    }
    return new Reply(res.statusCode(), body == null ? MissingNode.getInstance() : body);
  }
}
