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
 * CustomResourceDefinitions on a three-master cluster: a definition written through one master
 * is served by every master, its objects are pruned, defaulted and validated by its schema,
 * have status and scale subresources, and go with it when it is deleted.
 */
@Timeout(240)
class CrdIT {
  private static final String AGGREGATED =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final String WIDGETS_GV = "/apis/demo.keelson.dev/v1";
  private static final String WIDGETS_CRD = """
      {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "widgets.demo.keelson.dev"},
       "spec": {
         "group": "demo.keelson.dev", "scope": "Namespaced",
         "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                   "shortNames": ["wd"], "categories": ["keelson"]},
         "versions": [{
           "name": "v1", "served": true, "storage": true,
           "schema": {"openAPIV3Schema": {
             "type": "object",
             "properties": {
               "spec": {"type": "object", "required": ["color"], "properties": {
                 "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
                 "color": {"type": "string", "enum": ["red", "green", "blue"]},
                 "size": {"type": "string", "pattern": "^[a-z]+$"}}},
               "status": {"type": "object", "properties": {
                 "replicas": {"type": "integer"},
                 "selector": {"type": "string"},
                 "phase": {"type": "string"}}}}}},
           "subresources": {"status": {}, "scale": {
             "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
             "labelSelectorPath": ".status.selector"}}}]}}
      """;
  private static final String GADGETS_CRD = """
      {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "gadgets.tools.keelson.dev"},
       "spec": {
         "group": "tools.keelson.dev", "scope": "Cluster",
         "names": {"plural": "gadgets", "kind": "Gadget"},
         "versions": [{"name": "v1", "served": true, "storage": true,
           "schema": {"openAPIV3Schema": {"type": "object",
             "x-kubernetes-preserve-unknown-fields": true}}}]}}
      """;

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] api;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    api = cluster.admins();
    cluster.awaitApiReady();
    RestClient.Reply created = api[0].post(CRDS, WIDGETS_CRD);
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    awaitServed("widgets", WIDGETS_GV);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static boolean lists(RestClient c, String groupVersion, String resource) {
    RestClient.Reply r = c.get(groupVersion);
    if (r.code() != 200) {
      return false;
    }
    for (JsonNode res : r.json().path("resources")) {
      if (res.path("name").asText().equals(resource)) {
        return true;
      }
    }
    return false;
  }

  /** Waits (bounded) until every master lists the resource in its group-version document. */
  private static void awaitServed(String resource, String groupVersion) {
    await(resource + " served by every master").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          for (RestClient c : api) {
            if (!lists(c, groupVersion, resource)) {
              return false;
            }
          }
          return true;
        });
  }

  private static void namespace(String name) {
    int code = api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}")
        .code();
    assertThat(code).isIn(201, 409);
  }

  private static String widgets(String ns) {
    return WIDGETS_GV + "/namespaces/" + ns + "/widgets";
  }

  private static String widget(String name, String spec) {
    return "{\"apiVersion\":\"demo.keelson.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\""
        + name + "\"},\"spec\":" + spec + "}";
  }

  private static List<String> causes(JsonNode status) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : status.path("details").path("causes")) {
      out.add(c.path("field").asText() + "|" + c.path("reason").asText() + "|"
          + c.path("message").asText());
    }
    return out;
  }

  @Test
  void definitionWrittenOnOneMasterIsServedAndDiscoveredOnEveryMaster() {
    for (RestClient c : api) {
      JsonNode groups = c.get("/apis").json().path("groups");
      assertThat(groups.findValuesAsText("name")).contains("demo.keelson.dev");
      JsonNode group = c.get("/apis/demo.keelson.dev").json();
      assertThat(group.path("preferredVersion").path("groupVersion").asText())
          .isEqualTo("demo.keelson.dev/v1");
      JsonNode list = c.get(WIDGETS_GV).json();
      JsonNode widgets = list.path("resources").get(0);
      assertThat(widgets.path("name").asText()).isEqualTo("widgets");
      assertThat(widgets.path("kind").asText()).isEqualTo("Widget");
      assertThat(widgets.path("singularName").asText()).isEqualTo("widget");
      assertThat(widgets.path("namespaced").asBoolean()).isTrue();
      assertThat(widgets.path("shortNames").get(0).asText()).isEqualTo("wd");
      assertThat(widgets.path("categories").get(0).asText()).isEqualTo("keelson");
      assertThat(list.path("resources").findValuesAsText("name"))
          .containsExactly("widgets", "widgets/status", "widgets/scale");
      RestClient.Reply agg = c.get("/apis", AGGREGATED);
      JsonNode aggGroup = null;
      for (JsonNode g : agg.json().path("items")) {
        if (g.path("metadata").path("name").asText().equals("demo.keelson.dev")) {
          aggGroup = g;
        }
      }
      assertThat(aggGroup).as("aggregated discovery lists the group").isNotNull();
      JsonNode r = aggGroup.path("versions").get(0).path("resources").get(0);
      assertThat(r.path("resource").asText()).isEqualTo("widgets");
      assertThat(r.path("scope").asText()).isEqualTo("Namespaced");
      assertThat(r.path("subresources").findValuesAsText("subresource"))
          .containsExactly("status", "scale");
    }
  }

  @Test
  void definitionGetsAcceptedNamesEstablishedAndTheCleanupFinalizer() {
    await("Established").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> condition(api[2].get(CRDS + "/widgets.demo.keelson.dev").json(),
            "Established").equals("True"));
    JsonNode crd = api[1].get(CRDS + "/widgets.demo.keelson.dev").json();
    assertThat(condition(crd, "NamesAccepted")).isEqualTo("True");
    JsonNode accepted = crd.path("status").path("acceptedNames");
    assertThat(accepted.path("plural").asText()).isEqualTo("widgets");
    assertThat(accepted.path("kind").asText()).isEqualTo("Widget");
    assertThat(accepted.path("listKind").asText()).isEqualTo("WidgetList");
    assertThat(accepted.path("shortNames").get(0).asText()).isEqualTo("wd");
    assertThat(crd.path("status").path("storedVersions").get(0).asText()).isEqualTo("v1");
    assertThat(crd.path("metadata").path("finalizers").get(0).asText())
        .isEqualTo("customresourcecleanup.apiextensions.k8s.io");
  }

  private static String condition(JsonNode crd, String type) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  @Test
  void customObjectsAreCreatedReadListedAndWatchedAcrossMasters() throws Exception {
    namespace("crd-basics");
    String listRv = api[2].get(widgets("crd-basics")).json().path("metadata")
        .path("resourceVersion").asText();
    try (RestClient.Watch w = api[2].watch(widgets("crd-basics") + "?watch=1&resourceVersion="
        + listRv)) {
      assertThat(w.code()).isEqualTo(200);
      RestClient.Reply created = api[1].post(widgets("crd-basics"),
          widget("w1", "{\"color\":\"red\"}"));
      assertThat(created.code()).as(created.body()).isEqualTo(201);
      JsonNode read = api[0].get(widgets("crd-basics") + "/w1").json();
      assertThat(read.path("kind").asText()).isEqualTo("Widget");
      assertThat(read.path("apiVersion").asText()).isEqualTo("demo.keelson.dev/v1");
      assertThat(read.path("spec").path("color").asText()).isEqualTo("red");
      assertThat(read.path("metadata").path("uid").asText()).hasSize(36);
      JsonNode list = api[2].get(widgets("crd-basics")).json();
      assertThat(list.path("kind").asText()).isEqualTo("WidgetList");
      assertThat(list.path("items").findValuesAsText("name")).containsExactly("w1");
      JsonNode all = api[1].get(WIDGETS_GV + "/widgets").json();
      assertThat(all.path("items").size()).isGreaterThanOrEqualTo(1);
      JsonNode added = w.next(10_000);
      assertThat(added).isNotNull();
      assertThat(added.path("type").asText()).isEqualTo("ADDED");
      assertThat(added.path("object").path("metadata").path("name").asText()).isEqualTo("w1");
      assertThat(added.path("object").path("spec").path("replicas").asInt()).isEqualTo(1);
      assertThat(api[0].delete(widgets("crd-basics") + "/w1").code()).isEqualTo(200);
      JsonNode deleted = w.next(10_000);
      assertThat(deleted).isNotNull();
      assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
    }
  }

  @Test
  void invalidObjectGets422WithOneCausePerProblem() {
    namespace("crd-invalid");
    RestClient.Reply r = api[1].post(widgets("crd-invalid"),
        widget("bad", "{\"replicas\":\"three\",\"color\":\"pink\",\"size\":\"XL\"}"));
    assertThat(r.code()).isEqualTo(422);
    JsonNode status = r.json();
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("details").path("kind").asText()).isEqualTo("Widget");
    assertThat(status.path("details").path("group").asText()).isEqualTo("demo.keelson.dev");
    assertThat(causes(status)).containsExactly(
        "spec.replicas|FieldValueTypeInvalid|Invalid value: \"string\": spec.replicas in body "
            + "must be of type integer: \"string\"",
        "spec.color|FieldValueNotSupported|Unsupported value: \"pink\": supported values: "
            + "\"red\", \"green\", \"blue\"",
        "spec.size|FieldValueInvalid|Invalid value: \"XL\": spec.size in body should match "
            + "'^[a-z]+$'");
    assertThat(status.path("message").asText()).startsWith("Widget \"bad\" is invalid: [");
    RestClient.Reply missing = api[2].post(widgets("crd-invalid"),
        widget("bad", "{\"replicas\":11}"));
    assertThat(missing.code()).isEqualTo(422);
    assertThat(causes(missing.json())).containsExactly(
        "spec.color|FieldValueRequired|Required value",
        "spec.replicas|FieldValueInvalid|Invalid value: 11: spec.replicas in body should be "
            + "less than or equal to 10");
    assertThat(api[0].get(widgets("crd-invalid") + "/bad").code()).isEqualTo(404);
  }

  @Test
  void unknownFieldsArePrunedAndDefaultsFilledIn() {
    namespace("crd-pruning");
    String body = "{\"apiVersion\":\"demo.keelson.dev/v1\",\"kind\":\"Widget\","
        + "\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"b\"}},"
        + "\"spec\":{\"color\":\"blue\",\"bogus\":{\"x\":1}},\"extra\":true}";
    RestClient.Reply created = api[0].post(widgets("crd-pruning"), body);
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    for (JsonNode o : List.of(created.json(),
        api[2].get(widgets("crd-pruning") + "/p").json())) {
      assertThat(o.has("extra")).isFalse();
      assertThat(o.path("spec").has("bogus")).isFalse();
      assertThat(o.path("spec").path("color").asText()).isEqualTo("blue");
      assertThat(o.path("spec").path("replicas").asInt()).isEqualTo(1);
      assertThat(o.path("metadata").path("labels").path("a").asText()).isEqualTo("b");
    }
  }

  @Test
  void statusIsWrittenOnlyThroughItsSubresource() {
    namespace("crd-status");
    String one = widgets("crd-status") + "/s";
    JsonNode created = api[0].post(widgets("crd-status"),
        widget("s", "{\"color\":\"red\"}")).json();
    assertThat(created.path("metadata").path("generation").asLong()).isEqualTo(1);
    ObjectNodeEdit toStatus = new ObjectNodeEdit(created);
    toStatus.spec("color", "green").status("phase", "Ready");
    RestClient.Reply st = api[1].put(one + "/status", toStatus.json());
    assertThat(st.code()).as(st.body()).isEqualTo(200);
    assertThat(st.json().path("status").path("phase").asText()).isEqualTo("Ready");
    assertThat(st.json().path("spec").path("color").asText()).isEqualTo("red");
    assertThat(st.json().path("metadata").path("generation").asLong()).isEqualTo(1);

    ObjectNodeEdit toMain = new ObjectNodeEdit(st.json());
    toMain.spec("color", "blue").status("phase", "Broken");
    RestClient.Reply main = api[2].put(one, toMain.json());
    assertThat(main.code()).as(main.body()).isEqualTo(200);
    assertThat(main.json().path("spec").path("color").asText()).isEqualTo("blue");
    assertThat(main.json().path("status").path("phase").asText()).isEqualTo("Ready");
    assertThat(main.json().path("metadata").path("generation").asLong()).isEqualTo(2);
    JsonNode read = api[0].get(one).json();
    assertThat(read.path("status").path("phase").asText()).isEqualTo("Ready");
    assertThat(read.path("spec").path("color").asText()).isEqualTo("blue");
  }

  @Test
  void scaleSubresourceReadsAndWritesSpecReplicas() {
    namespace("crd-scale");
    String one = widgets("crd-scale") + "/sc";
    api[0].post(widgets("crd-scale"), widget("sc", "{\"color\":\"red\",\"replicas\":2}"));
    JsonNode obj = api[0].get(one).json();
    ObjectNodeEdit st = new ObjectNodeEdit(obj);
    st.status("replicas", 2).status("selector", "app=sc");
    assertThat(api[1].put(one + "/status", st.json()).code()).isEqualTo(200);

    JsonNode scale = api[2].get(one + "/scale").json();
    assertThat(scale.path("kind").asText()).isEqualTo("Scale");
    assertThat(scale.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
    assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(scale.path("status").path("replicas").asInt()).isEqualTo(2);
    assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=sc");

    RestClient.Reply put = api[1].put(one + "/scale", "{\"apiVersion\":\"autoscaling/v1\","
        + "\"kind\":\"Scale\",\"metadata\":{\"name\":\"sc\"},\"spec\":{\"replicas\":5}}");
    assertThat(put.code()).as(put.body()).isEqualTo(200);
    assertThat(put.json().path("spec").path("replicas").asInt()).isEqualTo(5);
    assertThat(api[0].get(one).json().path("spec").path("replicas").asInt()).isEqualTo(5);

    RestClient.Reply patched = api[2].patch(one + "/scale", "application/merge-patch+json",
        "{\"spec\":{\"replicas\":7}}");
    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    assertThat(api[1].get(one).json().path("spec").path("replicas").asInt()).isEqualTo(7);

    RestClient.Reply tooMany = api[0].put(one + "/scale", "{\"apiVersion\":\"autoscaling/v1\","
        + "\"kind\":\"Scale\",\"metadata\":{\"name\":\"sc\"},\"spec\":{\"replicas\":11}}");
    assertThat(tooMany.code()).isEqualTo(422);
    assertThat(api[1].get(one).json().path("spec").path("replicas").asInt()).isEqualTo(7);
  }

  @Test
  void strategicMergePatchIsRefusedButJsonAndMergePatchesWork() {
    namespace("crd-patch");
    String one = widgets("crd-patch") + "/pt";
    api[0].post(widgets("crd-patch"), widget("pt", "{\"color\":\"red\"}"));
    RestClient.Reply smp = api[1].patch(one, "application/strategic-merge-patch+json",
        "{\"spec\":{\"color\":\"green\"}}");
    assertThat(smp.code()).isEqualTo(415);
    assertThat(smp.json().path("reason").asText()).isEqualTo("UnsupportedMediaType");
    RestClient.Reply merge = api[1].patch(one, "application/merge-patch+json",
        "{\"spec\":{\"color\":\"green\",\"junk\":1}}");
    assertThat(merge.code()).as(merge.body()).isEqualTo(200);
    assertThat(merge.json().path("spec").path("color").asText()).isEqualTo("green");
    assertThat(merge.json().path("spec").has("junk")).isFalse();
    RestClient.Reply jsonPatch = api[2].patch(one, "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/spec/color\",\"value\":\"purple\"}]");
    assertThat(jsonPatch.code()).isEqualTo(422);
  }

  @Test
  void openApiDocumentOfTheGroupVersionCarriesTheSchema() {
    JsonNode index = api[1].get("/openapi/v3").json();
    assertThat(index.path("paths").has("apis/demo.keelson.dev/v1")).isTrue();
    JsonNode doc = api[1].get("/openapi/v3/apis/demo.keelson.dev/v1").json();
    JsonNode schema = doc.path("components").path("schemas")
        .path("io.keelson.demo.keelson.dev.v1.Widget");
    assertThat(schema.path("properties").path("spec").path("properties").path("replicas")
        .path("maximum").asInt()).isEqualTo(10);
    assertThat(schema.path("x-kubernetes-group-version-kind").get(0).path("kind").asText())
        .isEqualTo("Widget");
    JsonNode patch = doc.path("paths")
        .path("/apis/demo.keelson.dev/v1/namespaces/{namespace}/widgets/{name}").path("patch");
    List<String> types = new ArrayList<>();
    patch.path("requestBody").path("content").fieldNames().forEachRemaining(types::add);
    assertThat(types).containsExactlyInAnyOrder("application/json-patch+json",
        "application/merge-patch+json", "application/apply-patch+yaml");
    JsonNode v2 = api[2].get("/openapi/v2").json().path("definitions")
        .path("io.keelson.demo.keelson.dev.v1.Widget");
    assertThat(v2.path("properties").path("spec").path("properties").path("replicas")
        .path("maximum").asInt()).isEqualTo(10);
  }

  @Test
  void deletingTheDefinitionDeletesItsObjectsAndItsType() {
    assertThat(api[1].post(CRDS, GADGETS_CRD).code()).isEqualTo(201);
    awaitServed("gadgets", "/apis/tools.keelson.dev/v1");
    for (int i = 0; i < 3; i++) {
      RestClient.Reply r = api[i].post("/apis/tools.keelson.dev/v1/gadgets",
          "{\"metadata\":{\"name\":\"g" + i + "\"},\"anything\":{\"goes\":" + i + "}}");
      assertThat(r.code()).as(r.body()).isEqualTo(201);
      assertThat(r.json().path("anything").path("goes").asInt()).isEqualTo(i);
    }
    RestClient.Reply deleted = api[2].delete(CRDS + "/gadgets.tools.keelson.dev");
    assertThat(deleted.code()).as(deleted.body()).isEqualTo(200);
    await("definition, type and group gone on every master").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          for (RestClient c : api) {
            if (c.get(CRDS + "/gadgets.tools.keelson.dev").code() != 404
                || c.get("/apis/tools.keelson.dev/v1").code() != 404
                || c.get("/apis").json().path("groups").findValuesAsText("name")
                    .contains("tools.keelson.dev")) {
              return false;
            }
          }
          return true;
        });
    for (RestClient c : api) {
      assertThat(c.get("/apis/tools.keelson.dev/v1/gadgets/g0").code()).isEqualTo(404);
      boolean inAggregated = false;
      for (JsonNode g : c.get("/apis", AGGREGATED).json().path("items")) {
        inAggregated |= g.path("metadata").path("name").asText().equals("tools.keelson.dev");
      }
      assertThat(inAggregated).isFalse();
    }
    // the objects were deleted, not just hidden: a new definition of the same type finds none
    assertThat(api[0].post(CRDS, GADGETS_CRD).code()).isEqualTo(201);
    awaitServed("gadgets", "/apis/tools.keelson.dev/v1");
    JsonNode list = api[1].get("/apis/tools.keelson.dev/v1/gadgets").json();
    assertThat(list.path("items").size()).isZero();
  }

  @Test
  void invalidDefinitionGets422WithKubernetesFieldPaths() {
    String bad = """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "things.nodot"},
         "spec": {"group": "nodot", "scope": "Namespaced",
           "names": {"plural": "things", "kind": "Thing"},
           "versions": [
             {"name": "v1", "served": true, "storage": true,
              "schema": {"openAPIV3Schema": {"type": "object",
                "properties": {"spec": {"properties": {}}}}}},
             {"name": "v2", "served": true, "storage": true}]}}
        """;
    RestClient.Reply r = api[2].post(CRDS, bad);
    assertThat(r.code()).isEqualTo(422);
    assertThat(r.json().path("reason").asText()).isEqualTo("Invalid");
    List<String> fields = r.json().path("details").path("causes").findValuesAsText("field");
    assertThat(fields).containsExactly("spec.group",
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].type",
        "spec.versions[1].schema.openAPIV3Schema", "spec.versions");
    assertThat(causes(r.json())).contains("spec.group|FieldValueInvalid|Invalid value: "
        + "\"nodot\": should be a domain with at least one dot");
    String misnamed = GADGETS_CRD.replace("\"gadgets.tools.keelson.dev\"",
        "\"gizmos.tools.keelson.dev\"");
    assertThat(causes(api[0].post(CRDS, misnamed).json())).containsExactly(
        "metadata.name|FieldValueInvalid|Invalid value: \"gizmos.tools.keelson.dev\": must be "
            + "spec.names.plural+\".\"+spec.group");
    assertThat(api[1].get(CRDS + "/things.nodot").code()).isEqualTo(404);
  }

  /** Small edits of an object read back, for PUT bodies. */
  private static final class ObjectNodeEdit {
    private final com.fasterxml.jackson.databind.node.ObjectNode obj;

    ObjectNodeEdit(JsonNode read) {
      obj = (com.fasterxml.jackson.databind.node.ObjectNode) read.deepCopy();
    }

    ObjectNodeEdit spec(String field, String value) {
      obj.withObjectProperty("spec").put(field, value);
      return this;
    }

    ObjectNodeEdit status(String field, String value) {
      obj.withObjectProperty("status").put(field, value);
      return this;
    }

    ObjectNodeEdit status(String field, int value) {
      obj.withObjectProperty("status").put(field, value);
      return this;
    }

    String json() {
      return obj.toString();
    }
  }
}
