package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input gets a Kubernetes Status with the right code and reason, never a 500, and changes
 * nothing: after every case the namespace holds exactly the one object the test put there.
 */
@Timeout(120)
class RestBadInputIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient api;
  static final String CMS = "/api/v1/namespaces/bad/configmaps";

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    api = cluster.admin(0);
    cluster.awaitApiReady();
    assertThat(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"bad\"}}").code())
        .isEqualTo(201);
    assertThat(api.post(CMS, "{\"metadata\":{\"name\":\"keep\"},\"data\":{\"a\":\"1\"}}").code())
        .isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  record Case(String method, String path, String contentType, String body) {}

  static Stream<Arguments> cases() {
    String big = "x".repeat(3 * 1024 * 1024 + 10);
    return Stream.of(
        Arguments.of("malformed JSON", new Case("POST", CMS, "application/json",
            "{\"metadata\": {\"name\": \"x\""), 400, "BadRequest"),
        Arguments.of("malformed YAML", new Case("POST", CMS, "application/yaml",
            "metadata: [name: x"), 400, "BadRequest"),
        Arguments.of("not an object", new Case("POST", CMS, "application/json", "[1,2]"), 400,
            "BadRequest"),
        Arguments.of("wrong apiVersion", new Case("POST", CMS, "application/json",
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}"),
            400, "BadRequest"),
        Arguments.of("wrong kind", new Case("POST", CMS, "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"}}"), 400,
            "BadRequest"),
        Arguments.of("body over 3 MiB", new Case("POST", CMS, "application/json",
            "{\"metadata\":{\"name\":\"x\"},\"data\":{\"a\":\"" + big + "\"}}"), 413,
            "RequestEntityTooLarge"),
        Arguments.of("invalid name", new Case("POST", CMS, "application/json",
            "{\"metadata\":{\"name\":\"Bad_Name\"}}"), 422, "Invalid"),
        Arguments.of("invalid label", new Case("POST", CMS, "application/json",
            "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a b\":\"c\"}}}"), 422, "Invalid"),
        Arguments.of("unknown field under Strict", new Case("POST",
            CMS + "?fieldValidation=Strict", "application/json",
            "{\"metadata\":{\"name\":\"x\"},\"dataa\":{}}"), 400, "BadRequest"),
        Arguments.of("unsupported patch type", new Case("PATCH", CMS + "/keep",
            "application/x-unknown-patch", "{}"), 415, "UnsupportedMediaType"),
        Arguments.of("wrong content type", new Case("POST", CMS, "text/plain",
            "metadata: {name: x}"), 415, "UnsupportedMediaType"),
        Arguments.of("broken json patch", new Case("PATCH", CMS + "/keep",
            "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/nope/x\","
            + "\"value\":1}]"), 422, "Invalid"),
        Arguments.of("invalid label selector", new Case("GET", CMS + "?labelSelector=a%20in%20b",
            null, null), 400, "BadRequest"),
        Arguments.of("unsupported field selector", new Case("GET",
            CMS + "?fieldSelector=spec.x%3D1", null, null), 400, "BadRequest"),
        Arguments.of("oversized selector", new Case("GET",
            CMS + "?labelSelector=" + "a".repeat(80 * 1024), null, null), 414,
            "RequestEntityTooLarge"),
        Arguments.of("name mismatch on update", new Case("PUT", CMS + "/keep",
            "application/json", "{\"metadata\":{\"name\":\"other\"}}"), 400, "BadRequest"),
        Arguments.of("bad resourceVersion", new Case("GET", CMS + "?resourceVersion=abc"
            + "&resourceVersionMatch=NotOlderThan", null, null), 400, "BadRequest"),
        Arguments.of("unknown resource", new Case("GET", "/api/v1/namespaces/bad/widgets",
            null, null), 404, "NotFound"),
        Arguments.of("missing object", new Case("GET", CMS + "/nope", null, null), 404,
            "NotFound"),
        Arguments.of("create in a missing namespace", new Case("POST",
            "/api/v1/namespaces/nowhere/configmaps", "application/json",
            "{\"metadata\":{\"name\":\"x\"}}"), 404, "NotFound"),
        Arguments.of("bad dryRun", new Case("POST", CMS + "?dryRun=Some", "application/json",
            "{\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest"),
        Arguments.of("pod without containers", new Case("POST", "/api/v1/namespaces/bad/pods",
            "application/json", "{\"metadata\":{\"name\":\"p\"},\"spec\":{}}"), 422, "Invalid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputGetsAStatusAndChangesNothing(String what, Case c, int code, String reason) {
    RestClient.Reply r = api.send(c.method(), c.path(), c.body(), c.contentType(),
        "application/json");
    assertThat(r.code()).as(what + ": " + r.body()).isEqualTo(code);
    JsonNode s = r.json();
    assertThat(s.path("kind").asText()).isEqualTo("Status");
    assertThat(s.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(s.path("status").asText()).isEqualTo("Failure");
    assertThat(s.path("reason").asText()).isEqualTo(reason);
    assertThat(s.path("code").asInt()).isEqualTo(code);
    assertThat(s.path("message").asText()).isNotBlank();
    JsonNode list = api.get(CMS).json();
    assertThat(list.path("items")).hasSize(1);
    assertThat(list.path("items").get(0).path("data").path("a").asText()).isEqualTo("1");
  }

  /**
   * A request refused before its body is read (here: an unknown resource) leaves the connection
   * usable. The body comes in its own TLS record after the headers, so the server may answer
   * before it arrives; a server that then closed the connection behind a keep-alive answer
   * broke the client's next request on it ("received no bytes").
   */
  @Test
  void aRequestRefusedBeforeItsBodyIsReadKeepsTheConnection() throws Exception {
    byte[] body = "{\"metadata\":{\"name\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    try (SSLSocket s = api.openSocket()) {
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      for (int i = 0; i < 30; i++) {
        out.write(("POST /api/v1/namespaces/bad/nosuchthings HTTP/1.1\r\nHost: keelson\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        out.write(body);
        out.flush();
        RawReply r = RawReply.read(in);
        assertThat(r.code()).as("request %d: %s", i, r.body()).isEqualTo(404);
        assertThat(r.headers()).as("request %d", i).doesNotContain("connection: close");
      }
      out.write("GET /version HTTP/1.1\r\nHost: keelson\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawReply.read(in).code()).isEqualTo(200);
    }
  }

  /** An HTTP/1.1 response read off the wire: status, lower-cased header lines, body. */
  record RawReply(int code, List<String> headers, String body) {
    static RawReply read(InputStream in) throws IOException {
      String status = line(in);
      List<String> headers = new ArrayList<>();
      int length = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        String lower = h.toLowerCase(Locale.ROOT);
        headers.add(lower);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring(15).trim());
        }
      }
      assertThat(length).as("a Content-Length in %s", headers).isGreaterThanOrEqualTo(0);
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      return new RawReply(Integer.parseInt(status.split(" ")[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("the server closed the connection; read so far: " + b);
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }
  }

  @Test
  void invalidObjectNamesEveryProblemAsACause() {
    RestClient.Reply r = api.post("/api/v1/namespaces/bad/pods", "{\"metadata\":{\"name\":"
        + "\"p\"},\"spec\":{\"containers\":[{\"name\":\"Bad\"},{\"name\":\"ok\",\"image\":"
        + "\"x\",\"ports\":[{\"containerPort\":70000}]}]}}");
    assertThat(r.code()).isEqualTo(422);
    JsonNode causes = r.json().path("details").path("causes");
    assertThat(causes).hasSize(3);
    assertThat(causes.findValuesAsText("field")).containsExactly("spec.containers[0].name",
        "spec.containers[0].image", "spec.containers[1].ports[0].containerPort");
    assertThat(r.json().path("message").asText()).startsWith("Pod \"p\" is invalid: [");
  }

  @Test
  void unknownFieldsWarnByDefaultAndAreDropped() {
    RestClient.Reply r = api.post(CMS, "{\"metadata\":{\"name\":\"warned\"},\"dataa\":{}}");
    assertThat(r.code()).isEqualTo(201);
    assertThat(r.header("Warning")).isEqualTo("299 - \"unknown field \\\"dataa\\\"\"");
    assertThat(r.json().has("dataa")).isFalse();
    assertThat(api.delete(CMS + "/warned").code()).isEqualTo(200);
  }
}
