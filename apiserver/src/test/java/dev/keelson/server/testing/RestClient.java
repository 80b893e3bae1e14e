package dev.keelson.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.auth.pki.IssuedCert;
import dev.keelson.auth.pki.KeyStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A plain HTTPS client for the Kubernetes API in tests: it trusts the cluster CA and presents
 * a client certificate, sends exactly the bytes and headers a test gives, and shows exactly what
 * came back (status, headers, body), so tests see the wire and not a client library's view.
 */
public final class RestClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http;
  private final SSLContext ssl;
  /** Sent with every request (a bearer token, impersonation), name then value. */
  private final java.util.List<String[]> headers;

  private RestClient(String base, HttpClient http, SSLContext ssl,
      java.util.List<String[]> headers) {
    this.base = base;
    this.http = http;
    this.ssl = ssl;
    this.headers = headers;
  }

  /** The same client, also sending {@code name: value} on every request. */
  public RestClient withHeader(String name, String value) {
    java.util.List<String[]> h = new java.util.ArrayList<>(headers);
    h.add(new String[] {name, value});
    return new RestClient(base, http, ssl, java.util.List.copyOf(h));
  }

  /** The same client, also presenting {@code token} as a bearer token. */
  public RestClient withToken(String token) {
    return withHeader("Authorization", "Bearer " + token);
  }

  /** {@code clientCert} null: the client presents no certificate (an anonymous user). */
  public RestClient(String base, X509Certificate ca, IssuedCert clientCert) {
    this.base = base;
    this.headers = java.util.List.of();
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(KeyStores.trustStore(ca));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      if (clientCert != null) {
        kmf.init(KeyStores.keyStore(clientCert), KeyStores.PASSWORD);
      }
      ssl.init(clientCert == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      this.ssl = ssl;
      this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A TLS connection to the same server with the same identity, for tests that write the HTTP
   * bytes themselves (how a request is split into packets, what happens to the connection).
   */
  public SSLSocket openSocket() throws IOException {
    URI u = URI.create(base);
    SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(u.getHost(), u.getPort());
    s.setTcpNoDelay(true);
    s.setSoTimeout(30_000);
    s.startHandshake();
    return s;
  }

  /** What the server answered. */
  public record Reply(int code, String body, HttpResponse<?> raw) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public Reply get(String path) {
    return send("GET", path, null, null, "application/json");
  }

  public Reply get(String path, String accept) {
    return send("GET", path, null, null, accept);
  }

  public Reply post(String path, String body) {
    return send("POST", path, body, "application/json", "application/json");
  }

  public Reply put(String path, String body) {
    return send("PUT", path, body, "application/json", "application/json");
  }

  public Reply patch(String path, String contentType, String body) {
    return send("PATCH", path, body, contentType, "application/json");
  }

  public Reply delete(String path) {
    return send("DELETE", path, null, null, "application/json");
  }

  public Reply delete(String path, String body) {
    return send("DELETE", path, body, "application/json", "application/json");
  }

  public Reply send(String method, String path, String body, String contentType,
      String accept) {
    return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        contentType, accept);
  }

  public Reply sendBytes(String method, String path, byte[] body, String contentType,
      String accept) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    for (String[] h : headers) {
      b.header(h[0], h[1]);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A streaming watch: its JSON lines as they come, until closed or the server ends it. */
  public final class Watch implements AutoCloseable {
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    private final int code;
    private volatile boolean ended;

    Watch(String path) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
          .header("Accept", "application/json").GET().build();
      try {
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        code = r.statusCode();
        body = r.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Thread t = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body,
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
              events.add(JSON.readTree(line));
            }
          }
        } catch (IOException e) {
          // closed
        } finally {
          ended = true;
        }
      }, "rest-watch");
      t.setDaemon(true);
      t.start();
    }

    public int code() {
      return code;
    }

    /** The next event, or null if none came within the timeout. */
    public JsonNode next(long timeoutMs) throws InterruptedException {
      return events.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public boolean ended() {
      return ended && events.isEmpty();
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }

  public Watch watch(String path) {
    return new Watch(path);
  }
}
