package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
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

  @Test
  void listWithoutResourceVersionSeesAWriteJustMadeOnAnotherMaster() {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"fresh\"}}");
    for (int i = 0; i < 20; i++) {
      assertThat(api[i % 3].post("/api/v1/namespaces/fresh/configmaps",
          "{\"metadata\":{\"name\":\"c" + i + "\"}}").code()).isEqualTo(201);
      JsonNode list = api[(i + 1) % 3].get("/api/v1/namespaces/fresh/configmaps").json();
      assertThat(list.path("items")).hasSize(i + 1);
    }
  }

  @Test
  void paginatedListReturnsEveryObjectOnceAtOneRevision() {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"pages\"}}");
    for (int i = 0; i < 25; i++) {
      api[0].post("/api/v1/namespaces/pages/configmaps",
          "{\"metadata\":{\"name\":\"c" + (100 + i) + "\"}}");
    }
    java.util.List<String> names = new java.util.ArrayList<>();
    String token = null;
    String rv = null;
    int pages = 0;
    do {
      JsonNode page = api[1].get("/api/v1/namespaces/pages/configmaps?limit=10"
          + (token == null ? "" : "&continue=" + token)).json();
      page.path("items").forEach(o -> names.add(o.path("metadata").path("name").asText()));
      String pageRv = page.path("metadata").path("resourceVersion").asText();
      assertThat(rv == null || rv.equals(pageRv)).as("every page at the first page's revision")
          .isTrue();
      rv = pageRv;
      token = page.path("metadata").path("continue").asText(null);
      if (pages == 0) {
        assertThat(page.path("metadata").path("remainingItemCount").asLong()).isEqualTo(15);
        // a write between pages is not seen by the pages that follow
        api[2].post("/api/v1/namespaces/pages/configmaps", "{\"metadata\":{\"name\":\"c199\"}}");
      }
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(names).hasSize(25).doesNotHaveDuplicates().doesNotContain("c199");
    assertThat(names).isSorted();
  }

  @Test
  void watchFromAPastResourceVersionOnAnotherMasterReplaysWhatFollowedIt() throws Exception {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"replay\"}}");
    String start = api[0].post("/api/v1/namespaces/replay/configmaps",
        "{\"metadata\":{\"name\":\"first\"}}").json().path("metadata")
        .path("resourceVersion").asText();
    api[0].post("/api/v1/namespaces/replay/configmaps", "{\"metadata\":{\"name\":\"second\"}}");
    api[0].delete("/api/v1/namespaces/replay/configmaps/first");
    try (RestClient.Watch w = api[1].watch("/api/v1/namespaces/replay/configmaps?watch=true"
        + "&resourceVersion=" + start)) {
      JsonNode a = w.next(10_000);
      JsonNode b = w.next(10_000);
      assertThat(a.path("type").asText() + " " + a.path("object").path("metadata").path("name")
          .asText()).isEqualTo("ADDED second");
      assertThat(b.path("type").asText() + " " + b.path("object").path("metadata").path("name")
          .asText()).isEqualTo("DELETED first");
    }
  }

  @Test
  void labelSelectedWatchSeesObjectsEnterAndLeaveTheSelection() throws Exception {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"selected\"}}");
    String cm = "/api/v1/namespaces/selected/configmaps";
    try (RestClient.Watch w = api[2].watch(cm + "?watch=1&labelSelector=pick%3Dyes")) {
      api[0].post(cm, "{\"metadata\":{\"name\":\"x\"}}");
      api[0].patch(cm + "/x", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"pick\":\"yes\"}}}");
      api[0].patch(cm + "/x", "application/merge-patch+json",
          "{\"metadata\":{\"labels\":{\"pick\":\"no\"}}}");
      JsonNode in = w.next(10_000);
      JsonNode out = w.next(10_000);
      assertThat(in.path("type").asText()).isEqualTo("ADDED");
      assertThat(out.path("type").asText()).isEqualTo("DELETED");
      assertThat(out.path("object").path("metadata").path("labels").path("pick").asText())
          .isEqualTo("no");
      assertThat(w.next(500)).isNull();
    }
  }

  @Test
  void watchListSendsTheInitialStateThenABookmark() throws Exception {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"wl\"}}");
    api[0].post("/api/v1/namespaces/wl/configmaps", "{\"metadata\":{\"name\":\"a\"}}");
    api[0].post("/api/v1/namespaces/wl/configmaps", "{\"metadata\":{\"name\":\"b\"}}");
    try (RestClient.Watch w = api[1].watch("/api/v1/namespaces/wl/configmaps?watch=1"
        + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
      JsonNode a = w.next(10_000);
      JsonNode b = w.next(10_000);
      JsonNode end = w.next(10_000);
      assertThat(a.path("type").asText()).isEqualTo("ADDED");
      assertThat(b.path("type").asText()).isEqualTo("ADDED");
      assertThat(end.path("type").asText()).isEqualTo("BOOKMARK");
      assertThat(end.path("object").path("metadata").path("annotations")
          .path("k8s.io/initial-events-end").asText()).isEqualTo("true");
      assertThat(Long.parseLong(end.path("object").path("metadata").path("resourceVersion")
          .asText())).isGreaterThanOrEqualTo(Long.parseLong(b.path("object").path("metadata")
              .path("resourceVersion").asText()));
    }
  }

  @Test
  void finalizersHoldAnObjectUntilTheLastOneIsRemoved() {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"fin\"}}");
    String cm = "/api/v1/namespaces/fin/configmaps";
    api[0].post(cm, "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/x\"]}}");
    RestClient.Reply del = api[1].delete(cm + "/held");
    assertThat(del.code()).isEqualTo(200);
    JsonNode held = api[2].get(cm + "/held").json();
    assertThat(held.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
    RestClient.Reply late = api[0].patch(cm + "/held", "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":[\"example.com/x\",\"example.com/y\"]}}");
    assertThat(late.code()).isEqualTo(403);
    assertThat(api[0].patch(cm + "/held", "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":null}}").code()).isEqualTo(200);
    assertThat(api[1].get(cm + "/held").code()).isEqualTo(404);
  }

  @Test
  void deletePreconditionsAreChecked() {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"pre\"}}");
    String cm = "/api/v1/namespaces/pre/configmaps";
    JsonNode c = api[0].post(cm, "{\"metadata\":{\"name\":\"p\"}}").json();
    RestClient.Reply wrongUid = api[1].delete(cm + "/p", "{\"preconditions\":{\"uid\":\"nope\"}}");
    assertThat(wrongUid.code()).isEqualTo(409);
    assertThat(wrongUid.json().path("message").asText()).contains("Precondition failed: UID");
    RestClient.Reply ok = api[1].delete(cm + "/p", "{\"preconditions\":{\"uid\":\""
        + c.path("metadata").path("uid").asText() + "\",\"resourceVersion\":\""
        + c.path("metadata").path("resourceVersion").asText() + "\"}}");
    assertThat(ok.code()).isEqualTo(200);
  }

  @Test
  void dryRunValidatesButStoresNothing() {
    api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"dry\"}}");
    RestClient.Reply r = api[0].post("/api/v1/namespaces/dry/configmaps?dryRun=All",
        "{\"metadata\":{\"name\":\"ghost\"}}");
    assertThat(r.code()).isEqualTo(201);
    assertThat(r.json().path("metadata").path("uid").asText()).isNotEmpty();
    assertThat(api[1].get("/api/v1/namespaces/dry/configmaps/ghost").code()).isEqualTo(404);
  }

  @Test
  void openApiV2IsOneSwaggerDocumentOfEveryGroupAndIsNotOfferedAsProtobuf() {
    RestClient.Reply v2 = api[1].get("/openapi/v2");
    assertThat(v2.code()).isEqualTo(200);
    assertThat(v2.header("Content-Type")).startsWith("application/json");
    assertThat(v2.header("ETag")).startsWith("\"");
    assertThat(v2.json().path("swagger").asText()).isEqualTo("2.0");
    assertThat(v2.json().path("definitions").has("io.k8s.api.core.v1.Pod")).isTrue();
    assertThat(v2.json().path("definitions").has("io.k8s.api.apps.v1.Deployment")).isTrue();
    RestClient.Reply pb = api[2].get("/openapi/v2",
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
    assertThat(pb.code()).isEqualTo(406);
    assertThat(pb.json().path("reason").asText()).isEqualTo("NotAcceptable");
  }
}
