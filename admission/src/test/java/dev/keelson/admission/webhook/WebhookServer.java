package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.keelson.auth.pki.IssuedCert;
import dev.keelson.auth.pki.KeyStores;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real HTTPS admission webhook server on 127.0.0.1 for tests (the JDK's HttpsServer), with a
 * responder per path. It records every AdmissionReview it receives.
 */
public final class WebhookServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a path answers: an HTTP status and a body. */
  public record Answer(int status, byte[] body) {
  }

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Function<JsonNode, Answer>> responders = new ConcurrentHashMap<>();
  private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  public WebhookServer(IssuedCert certificate) throws IOException, GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    keys.init(KeyStores.keyStore(certificate), KeyStores.PASSWORD);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI url(String path) {
    return URI.create("https://127.0.0.1:" + port() + path);
  }

  /** {@code path} answers 200 with the review {@code responder} makes of the one received. */
  public void respond(String path, Function<JsonNode, ObjectNode> responder) {
    responders.put(path, review -> new Answer(200, bytes(responder.apply(review))));
  }

  /** {@code path} answers as {@code responder} says, status included. */
  public void answer(String path, Function<JsonNode, Answer> responder) {
    responders.put(path, responder);
  }

  /** {@code path} never answers (until the server closes). */
  public void hang(String path) {
    responders.put(path, review -> {
      try {
        closing.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Answer(500, new byte[0]);
    });
  }

  /** The reviews {@code path} received, in order. */
  public List<JsonNode> received(String path) {
    return new ArrayList<>(received.getOrDefault(path, List.of()));
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      JsonNode review = JSON.readTree(exchange.getRequestBody());
      received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(review);
      Function<JsonNode, Answer> responder = responders.get(path);
      Answer a = responder == null ? new Answer(404, new byte[0]) : responder.apply(review);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
      if (a.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(a.body());
        }
      }
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- answers ---------------------------------------------------------------------------

  /** The response review for {@code review}: allowed, nothing else. */
  public static ObjectNode allow(JsonNode review) {
    ObjectNode answer = JSON.createObjectNode();
    answer.put("apiVersion", "admission.k8s.io/v1");
    answer.put("kind", "AdmissionReview");
    ObjectNode response = answer.putObject("response");
    response.put("uid", review.path("request").path("uid").asText());
    response.put("allowed", true);
    return answer;
  }

  /** Denied, with this status code (0 for none) and message. */
  public static ObjectNode deny(JsonNode review, int code, String message) {
    ObjectNode answer = allow(review);
    ObjectNode response = (ObjectNode) answer.get("response");
    response.put("allowed", false);
    ObjectNode status = response.putObject("status");
    if (code != 0) {
      status.put("code", code);
    }
    if (!message.isEmpty()) {
      status.put("message", message);
    }
    return answer;
  }

  /** Allowed, with this JSON Patch. */
  public static ObjectNode patch(JsonNode review, String jsonPatch) {
    ObjectNode answer = allow(review);
    ObjectNode response = (ObjectNode) answer.get("response");
    response.put("patchType", "JSONPatch");
    response.put("patch", Base64.getEncoder().encodeToString(
        jsonPatch.getBytes(StandardCharsets.UTF_8)));
    return answer;
  }

  public static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
