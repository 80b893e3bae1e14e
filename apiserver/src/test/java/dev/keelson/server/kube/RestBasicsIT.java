package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The REST API's basic contract on a three-master cluster: any master serves any request. */
@Timeout(120)
class RestBasicsIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] api = new RestClient[3];

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    for (int i = 0; i < 3; i++) {
      api[i] = new RestClient(cluster.apiUrl(i), cluster.pki().ca().certificate(),
          cluster.pki().admin());
    }
    await("bootstrap namespaces on every master").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          for (RestClient c : api) {
            if (c.get("/api/v1/namespaces/kube-system").code() != 200) {
              return false;
            }
          }
          return true;
        });
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void objectWrittenOnOneMasterIsReadOnAnother() {
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"basics\"}}").code())
        .isEqualTo(201);
    RestClient.Reply created = api[1].post("/api/v1/namespaces/basics/configmaps",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\"},"
            + "\"data\":{\"k\":\"v\"}}");
    assertThat(created.code()).isEqualTo(201);
    String rv = created.json().path("metadata").path("resourceVersion").asText();
    JsonNode read = api[2].get("/api/v1/namespaces/basics/configmaps/c1").json();
    assertThat(read.path("data").path("k").asText()).isEqualTo("v");
    assertThat(read.path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
    assertThat(read.path("metadata").path("uid").asText()).hasSize(36);
  }

  @Test
  void staleUpdateGetsKubernetesConflict() {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"conflicts\"}}");
    JsonNode c = api[0].post("/api/v1/namespaces/conflicts/configmaps",
        "{\"metadata\":{\"name\":\"c\"},\"data\":{\"n\":\"0\"}}").json();
    String rv = c.path("metadata").path("resourceVersion").asText();
    String body = "{\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"" + rv
        + "\"},\"data\":{\"n\":\"1\"}}";
    assertThat(api[1].put("/api/v1/namespaces/conflicts/configmaps/c", body).code())
        .isEqualTo(200);
    RestClient.Reply stale = api[2].put("/api/v1/namespaces/conflicts/configmaps/c", body);
    assertThat(stale.code()).isEqualTo(409);
    assertThat(stale.json().path("kind").asText()).isEqualTo("Status");
    assertThat(stale.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(stale.json().path("message").asText()).isEqualTo("Operation cannot be fulfilled "
        + "on configmaps \"c\": the object has been modified; please apply your changes to the "
        + "latest version and try again");
  }

  @Test
  void watchStartedOnOneMasterSeesWritesMadeThroughAnother() throws Exception {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"watching\"}}");
    String listRv = api[2].get("/api/v1/namespaces/watching/configmaps").json()
        .path("metadata").path("resourceVersion").asText();
    try (RestClient.Watch w = api[2].watch("/api/v1/namespaces/watching/configmaps?watch=1"
        + "&resourceVersion=" + listRv)) {
      assertThat(w.code()).isEqualTo(200);
      api[0].post("/api/v1/namespaces/watching/configmaps", "{\"metadata\":{\"name\":\"a\"}}");
      api[1].delete("/api/v1/namespaces/watching/configmaps/a");
      JsonNode added = w.next(10_000);
      JsonNode deleted = w.next(10_000);
      assertThat(added).isNotNull();
      assertThat(added.path("type").asText()).isEqualTo("ADDED");
      assertThat(added.path("object").path("metadata").path("name").asText()).isEqualTo("a");
      assertThat(deleted).isNotNull();
      assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
      assertThat(Long.parseLong(deleted.path("object").path("metadata")
          .path("resourceVersion").asText())).isGreaterThan(Long.parseLong(
              added.path("object").path("metadata").path("resourceVersion").asText()));
    }
  }
}
