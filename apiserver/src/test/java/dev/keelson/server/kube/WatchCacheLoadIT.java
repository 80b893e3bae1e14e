package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master's watch cache loads the store a page at a time, and collections are deleted one
 * object at a time: both with more objects than fit a page (the page made tiny here).
 */
@Timeout(240)
class WatchCacheLoadIT {
  private static final String CMS = "/api/v1/namespaces/paged/configmaps";

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] api;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    api = cluster.admins();
    cluster.awaitApiReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Restarts master {@code i} with a system property set while its watch cache is made. */
  private static void restartWith(int i, String property, String value) throws Exception {
    System.setProperty(property, value);
    try {
      cluster.stop(i);
      cluster.start(i);
    } finally {
      System.clearProperty(property);
    }
  }

  /** Name and resourceVersion of each item, in the list's order. */
  private static List<String> items(RestClient.Reply list) {
    assertThat(list.code()).as(list.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode i : list.json().path("items")) {
      out.add(i.path("metadata").path("name").asText() + "@"
          + i.path("metadata").path("resourceVersion").asText());
    }
    return out;
  }

  @Test
  void aRestartedMasterLoadsItsCachePageByPageAndFollowsOn() throws Exception {
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"paged\"}}").code())
        .isEqualTo(201);
    for (int i = 0; i < 30; i++) {
      String labels = i % 2 == 0 ? ",\"labels\":{\"half\":\"even\"}" : "";
      assertThat(api[i % 3].post(CMS, "{\"metadata\":{\"name\":\"c" + (100 + i) + "\"" + labels
          + "},\"data\":{\"i\":\"" + i + "\"}}").code()).isEqualTo(201);
    }
    List<String> quorum = items(api[0].get(CMS));
    assertThat(quorum).hasSize(30);

    restartWith(1, "keelson.api.cache-load-page", "4");
    // every namespace, ConfigMap, service account ... came in pages of four
    await("the restarted master's cache").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> api[1].get(CMS + "?resourceVersion=0").code() == 200);
    assertThat(items(api[1].get(CMS + "?resourceVersion=0"))).isEqualTo(quorum);
    assertThat(items(api[1].get(CMS + "?resourceVersion=0&labelSelector=half%3Deven")))
        .hasSize(15);
    List<String> namespaces = items(api[1].get("/api/v1/namespaces?resourceVersion=0"));
    assertThat(namespaces).extracting(n -> n.substring(0, n.indexOf('@')))
        .contains("default", "kube-system", "kube-public", "kube-node-lease", "paged");

    // and follows what is written after the load
    String rv = api[0].post(CMS, "{\"metadata\":{\"name\":\"c999\"}}").json().path("metadata")
        .path("resourceVersion").asText();
    await("the new object in the loaded cache").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> items(api[1].get(CMS + "?resourceVersion=0")).contains("c999@" + rv));
  }

  @Test
  void deleteCollectionDeletesWhatItsSelectorPicksAndNamespacesEmpty() {
    String ns = "/api/v1/namespaces/emptied";
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"emptied\"}}")
        .code()).isEqualTo(201);
    for (int i = 0; i < 40; i++) {
      String labels = i < 10 ? ",\"labels\":{\"batch\":\"first\"}" : "";
      assertThat(api[i % 3].post(ns + "/configmaps", "{\"metadata\":{\"name\":\"d" + (100 + i)
          + "\"" + labels + "}}").code()).isEqualTo(201);
    }
    RestClient.Reply deleted = api[2].delete(ns + "/configmaps?labelSelector=batch%3Dfirst");
    assertThat(deleted.code()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().path("kind").asText()).isEqualTo("ConfigMapList");
    List<String> names = new ArrayList<>();
    deleted.json().path("items").forEach(i -> names.add(i.path("metadata").path("name")
        .asText()));
    assertThat(names).containsExactly("d100", "d101", "d102", "d103", "d104", "d105", "d106",
        "d107", "d108", "d109");
    assertThat(items(api[0].get(ns + "/configmaps"))).hasSize(30);

    // the namespace controller deletes the other 30 (sixteen at a time) and then the namespace
    assertThat(api[1].delete(ns).code()).isEqualTo(200);
    await("namespace emptied and gone").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> api[0].get(ns).code() == 404);
    for (RestClient a : api) {
      assertThat(items(a.get(ns + "/configmaps"))).isEmpty();
    }
  }

  @Test
  void theWatchHistoryKeepsToItsByteBudget() throws Exception {
    restartWith(2, "keelson.api.watch-history-mib", "1");
    String cms = "/api/v1/namespaces/heavy/configmaps";
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"heavy\"}}")
        .code()).isEqualTo(201);
    String first = api[0].post(cms, "{\"metadata\":{\"name\":\"h00\"}}").json()
        .path("metadata").path("resourceVersion").asText();
    String big = "x".repeat(100_000);
    String last = null;
    for (int i = 1; i <= 12; i++) { // 1.2 MB of changes: more than the 1 MiB budget
      last = api[0].post(cms, "{\"metadata\":{\"name\":\"h" + (10 + i) + "\"},\"data\":{\"b\":\""
          + big + "\"}}").json().path("metadata").path("resourceVersion").asText();
    }
    String lastRv = last;
    await("master 2's cache at the last write").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> items(api[2].get(cms
            + "?resourceVersion=0")).size() == 13);

    // the oldest changes left the history: a watch from before them is told to relist
    try (RestClient.Watch w = api[2].watch(cms + "?watch=1&resourceVersion=" + first)) {
      JsonNode e = w.next(10_000);
      assertThat(e).isNotNull();
      assertThat(e.path("type").asText()).isEqualTo("ERROR");
      assertThat(e.path("object").path("code").asInt()).isEqualTo(410);
    }
    // the newest are still there: a watch from the one before the last replays the last
    String beforeLast = Long.toString(Long.parseLong(lastRv) - 1);
    try (RestClient.Watch w = api[2].watch(cms + "?watch=1&resourceVersion=" + beforeLast)) {
      JsonNode e = w.next(10_000);
      assertThat(e).isNotNull();
      assertThat(e.path("type").asText()).isEqualTo("ADDED");
      assertThat(e.path("object").path("metadata").path("name").asText()).isEqualTo("h22");
    }
  }
}
