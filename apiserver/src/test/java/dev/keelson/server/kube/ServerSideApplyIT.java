package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.pki.Kubeconfig;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-side apply and managedFields over the REST API of a three-master cluster: applies
 * create, own and prune fields; conflicts with other managers are refused with one cause per
 * field unless forced; updates are recorded as such. Each test has its own namespace; writes go
 * through different masters.
 */
@Timeout(180)
class ServerSideApplyIT {
  private static final String APPLY = "application/apply-patch+yaml";

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
  void applyCreatesTheObjectAndRecordsTheApplierAsItsOwner() {
    namespace("ssa-create");
    String cm = "/api/v1/namespaces/ssa-create/configmaps/c";
    RestClient.Reply created = api[0].patch(cm + "?fieldManager=alice", APPLY,
        configMap("c", "a: '1'"));
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    JsonNode entry = entry(api[1].get(cm).json(), "alice", "Apply");
    assertThat(entry).as("alice's entry").isNotNull();
    assertThat(entry.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(entry.path("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(entry.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(entry.path("fieldsV1").toString()).isEqualTo("{\"f:data\":{\"f:a\":{}}}");

    RestClient.Reply again = api[2].patch(cm + "?fieldManager=alice", APPLY,
        configMap("c", "a: '1'"));
    assertThat(again.code()).as(again.body()).isEqualTo(200);
    assertThat(rv(again.json())).as("an unchanged apply writes nothing")
        .isEqualTo(rv(created.json()));
  }

  @Test
  void conflictingApplyIsRefusedWithACausePerFieldAndForceTakesTheFields() {
    namespace("ssa-conflict");
    String cm = "/api/v1/namespaces/ssa-conflict/configmaps/c";
    assertThat(api[0].patch(cm + "?fieldManager=alice", APPLY,
        configMap("c", "a: '1'\n  b: '1'")).code()).isEqualTo(201);

    RestClient.Reply refused = api[1].patch(cm + "?fieldManager=bob", APPLY,
        configMap("c", "a: '2'\n  b: '2'"));
    assertThat(refused.code()).isEqualTo(409);
    JsonNode status = refused.json();
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("Conflict");
    assertThat(status.path("message").asText()).isEqualTo(
        "Apply failed with 2 conflicts: conflicts with \"alice\":\n- .data.a\n- .data.b");
    JsonNode causes = status.path("details").path("causes");
    assertThat(causes).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(causes.get(i).path("reason").asText()).isEqualTo("FieldManagerConflict");
      assertThat(causes.get(i).path("message").asText()).isEqualTo("conflict with \"alice\"");
    }
    assertThat(causes.get(0).path("field").asText()).isEqualTo(".data.a");
    assertThat(causes.get(1).path("field").asText()).isEqualTo(".data.b");

    RestClient.Reply forced = api[2].patch(cm + "?fieldManager=bob&force=true", APPLY,
        configMap("c", "a: '2'"));
    assertThat(forced.code()).as(forced.body()).isEqualTo(200);
    JsonNode obj = api[0].get(cm).json();
    assertThat(obj.path("data").path("a").asText()).isEqualTo("2");
    assertThat(obj.path("data").path("b").asText()).isEqualTo("1");
    assertThat(entry(obj, "alice", "Apply").path("fieldsV1").toString())
        .isEqualTo("{\"f:data\":{\"f:b\":{}}}");
    assertThat(entry(obj, "bob", "Apply").path("fieldsV1").toString())
        .isEqualTo("{\"f:data\":{\"f:a\":{}}}");
  }

  @Test
  void omittingAPreviouslyAppliedFieldRemovesIt() {
    namespace("ssa-prune");
    String cm = "/api/v1/namespaces/ssa-prune/configmaps/c";
    api[0].patch(cm + "?fieldManager=alice", APPLY, configMap("c", "a: '1'\n  b: '2'"));
    RestClient.Reply pruned = api[1].patch(cm + "?fieldManager=alice", APPLY,
        configMap("c", "a: '1'"));
    assertThat(pruned.code()).as(pruned.body()).isEqualTo(200);
    JsonNode data = api[2].get(cm).json().path("data");
    assertThat(data.has("a")).isTrue();
    assertThat(data.has("b")).as("b, no longer applied by anyone").isFalse();
  }

  @Test
  void anUpdateByAnotherManagerIsRecordedAsUpdateAndItsFieldsConflict() {
    namespace("ssa-update");
    String d = "/apis/apps/v1/namespaces/ssa-update/deployments/web";
    assertThat(api[0].patch(d + "?fieldManager=alice", APPLY, deployment(2, "nginx:1.25"))
        .code()).isEqualTo(201);

    ObjectNode live = (ObjectNode) api[1].get(d).json();
    live.withObjectProperty("spec").put("replicas", 4);
    RestClient.Reply put = api[1].put(d + "?fieldManager=bob", live.toString());
    assertThat(put.code()).as(put.body()).isEqualTo(200);
    JsonNode bob = entry(put.json(), "bob", "Update");
    assertThat(bob).as("bob's entry").isNotNull();
    assertThat(bob.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(bob.path("fieldsV1").toString()).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
    assertThat(entry(put.json(), "alice", "Apply").path("fieldsV1").path("f:spec")
        .has("f:replicas")).as("alice lost replicas to bob").isFalse();

    RestClient.Reply refused = api[2].patch(d + "?fieldManager=alice", APPLY,
        deployment(3, "nginx:1.25"));
    assertThat(refused.code()).isEqualTo(409);
    assertThat(refused.json().path("message").asText()).isEqualTo("Apply failed with 1 "
        + "conflict: conflict with \"bob\" using apps/v1: .spec.replicas");
    assertThat(refused.json().path("details").path("causes").get(0).path("message").asText())
        .isEqualTo("conflict with \"bob\" using apps/v1");
  }

  @Test
  void containersMergeByNameBetweenAppliersAndEachOwnsItsOwn() {
    namespace("ssa-containers");
    String d = "/apis/apps/v1/namespaces/ssa-containers/deployments/web";
    assertThat(api[0].patch(d + "?fieldManager=alice", APPLY, deployment(1, "nginx:1.25"))
        .code()).isEqualTo(201);
    String sidecar = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
              - {name: sidecar, image: "busybox:1.36"}
        """;
    RestClient.Reply added = api[1].patch(d + "?fieldManager=bob", APPLY, sidecar);
    assertThat(added.code()).as(added.body()).isEqualTo(200);
    RestClient.Reply changed = api[2].patch(d + "?fieldManager=alice", APPLY,
        deployment(1, "nginx:1.26"));
    assertThat(changed.code()).as(changed.body()).isEqualTo(200);

    JsonNode obj = api[0].get(d).json();
    JsonNode containers = obj.path("spec").path("template").path("spec").path("containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("name").asText()).isEqualTo("nginx");
    assertThat(containers.get(0).path("image").asText()).isEqualTo("nginx:1.26");
    assertThat(containers.get(1).path("name").asText()).isEqualTo("sidecar");
    JsonNode aliceOwns = entry(obj, "alice", "Apply").path("fieldsV1").path("f:spec")
        .path("f:template").path("f:spec").path("f:containers");
    JsonNode bobOwns = entry(obj, "bob", "Apply").path("fieldsV1").path("f:spec")
        .path("f:template").path("f:spec").path("f:containers");
    assertThat(aliceOwns.has("k:{\"name\":\"nginx\"}")).isTrue();
    assertThat(aliceOwns.has("k:{\"name\":\"sidecar\"}")).isFalse();
    assertThat(bobOwns.has("k:{\"name\":\"sidecar\"}")).isTrue();
    assertThat(aliceOwns.path("k:{\"name\":\"nginx\"}").path("f:ports")
        .has("k:{\"containerPort\":80,\"protocol\":\"TCP\"}")).isTrue();
  }

  @Test
  void aScaleIsOwnedUnderTheScaleSubresourceAndConflictsWithReapplying() {
    namespace("ssa-scale");
    String d = "/apis/apps/v1/namespaces/ssa-scale/deployments/web";
    api[0].patch(d + "?fieldManager=kubectl", APPLY, deployment(2, "nginx:1.25"));
    RestClient.Reply scaled = api[1].patch(d + "/scale?fieldManager=kubectl",
        "application/merge-patch+json", "{\"spec\":{\"replicas\":5}}");
    assertThat(scaled.code()).as(scaled.body()).isEqualTo(200);
    JsonNode obj = api[2].get(d).json();
    JsonNode scale = null;
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (e.path("subresource").asText().equals("scale")) {
        scale = e;
      }
    }
    assertThat(scale).as("an entry for the scale subresource").isNotNull();
    assertThat(scale.path("manager").asText()).isEqualTo("kubectl");
    assertThat(scale.path("operation").asText()).isEqualTo("Update");

    RestClient.Reply refused = api[0].patch(d + "?fieldManager=kubectl", APPLY,
        deployment(3, "nginx:1.25"));
    assertThat(refused.code()).isEqualTo(409);
    assertThat(refused.json().path("message").asText()).isEqualTo("Apply failed with 1 "
        + "conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: "
        + ".spec.replicas");
  }

  @Test
  void writesWithoutAFieldManagerAreNamedAfterTheUserAgent() {
    namespace("ssa-agent");
    RestClient.Reply created = api[0].post("/api/v1/namespaces/ssa-agent/configmaps",
        "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}");
    assertThat(created.code()).isEqualTo(201);
    JsonNode entry = entry(created.json(), "Java-http-client", "Update");
    assertThat(entry).as("an Update entry named after the Java HTTP client").isNotNull();
    assertThat(entry.path("fieldsV1").toString())
        .isEqualTo("{\"f:data\":{\".\":{},\"f:a\":{}}}");

    RestClient.Reply noManager = api[1].patch("/api/v1/namespaces/ssa-agent/configmaps/c",
        APPLY, configMap("c", "a: '2'"));
    assertThat(noManager.code()).isEqualTo(400);
  }

  @Test
  void clientSideApplyStaysAStrategicMergePatch() {
    namespace("ssa-csa");
    String d = "/apis/apps/v1/namespaces/ssa-csa/deployments/web";
    api[0].patch(d + "?fieldManager=kubectl", APPLY, deployment(1, "nginx:1.25"));
    String patch = "{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/"
        + "last-applied-configuration\":\"{}\"}},\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.36\"}]}}}}";
    RestClient.Reply patched = api[1].patch(d + "?fieldManager=kubectl-client-side-apply",
        "application/strategic-merge-patch+json", patch);
    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().path("spec").path("template").path("spec").path("containers"))
        .as("merged by name, not replaced").hasSize(2);
    assertThat(entry(patched.json(), "kubectl-client-side-apply", "Update")).isNotNull();
  }

  @Test
  void kubectlAppliesServerSideTwiceThenHitsTheScaleConflictThenForces() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is needed");
    namespace("ssa-kubectl");
    Path kubeconfig = kubeconfig();
    Path file = dir.resolve("web.yaml");
    Files.writeString(file, deployment(2, "nginx:1.25"));

    for (int i = 0; i < 2; i++) {
      Run r = kubectl(kubeconfig, "ssa-kubectl", "apply", "--server-side", "-f",
          file.toString());
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).contains("deployment.apps/web serverside-applied");
    }
    Run scaled = kubectl(kubeconfig, "ssa-kubectl", "scale", "deployment", "web",
        "--replicas=5");
    assertThat(scaled.exit()).as(scaled.output()).isZero();

    Files.writeString(file, deployment(3, "nginx:1.25"));
    Run refused = kubectl(kubeconfig, "ssa-kubectl", "apply", "--server-side", "-f",
        file.toString());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("Apply failed with 1 conflict: conflict with \"kubectl\" "
        + "with subresource \"scale\" using apps/v1: .spec.replicas",
        "Please review the fields above--they currently have other managers.");

    Run forced = kubectl(kubeconfig, "ssa-kubectl", "apply", "--server-side",
        "--force-conflicts", "-f", file.toString());
    assertThat(forced.exit()).as(forced.output()).isZero();
    assertThat(forced.output()).contains("deployment.apps/web serverside-applied");
    assertThat(api[1].get("/apis/apps/v1/namespaces/ssa-kubectl/deployments/web").json()
        .path("spec").path("replicas").asInt()).isEqualTo(3);
  }

  @Test
  void kubectlMovesFromClientSideToServerSideApplyAndBack() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is needed");
    namespace("ssa-kubectl-csa");
    Path kubeconfig = kubeconfig();
    Path file = dir.resolve("csa.yaml");
    Files.writeString(file, deployment(2, "nginx:1.25"));
    Run created = kubectl(kubeconfig, "ssa-kubectl-csa", "apply", "-f", file.toString());
    assertThat(created.output()).as(created.output()).contains("deployment.apps/web created");
    Files.writeString(file, deployment(3, "nginx:1.25"));
    Run configured = kubectl(kubeconfig, "ssa-kubectl-csa", "apply", "-f", file.toString());
    assertThat(configured.output()).contains("deployment.apps/web configured");

    Run serverSide = kubectl(kubeconfig, "ssa-kubectl-csa", "apply", "--server-side", "-f",
        file.toString());
    assertThat(serverSide.exit()).as(serverSide.output()).isZero();
    assertThat(serverSide.output()).contains("deployment.apps/web serverside-applied");

    Files.writeString(file, deployment(3, "nginx:1.26"));
    Run back = kubectl(kubeconfig, "ssa-kubectl-csa", "apply", "-f", file.toString());
    assertThat(back.exit()).as(back.output()).isZero();
    JsonNode obj = api[2].get("/apis/apps/v1/namespaces/ssa-kubectl-csa/deployments/web")
        .json();
    assertThat(obj.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("nginx:1.26");
    assertThat(obj.at("/spec/replicas").asInt()).isEqualTo(3);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Path kubeconfig() throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, Kubeconfig.render("t", cluster.apiUrl(0),
        cluster.pki().ca().certificatePem(), "admin", cluster.pki().admin().certificatePem(),
        cluster.pki().admin().keyPem()));
    return kubeconfig;
  }

  private static void namespace(String name) {
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}")
        .code()).isEqualTo(201);
  }

  private static String configMap(String name, String data) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  "
        + data + "\n";
  }

  private static String deployment(int replicas, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: %d
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: nginx
                image: "%s"
                ports:
                - containerPort: 80
        """.formatted(replicas, image);
  }

  /** The managedFields entry of {@code manager} with {@code operation}; null if none. */
  private static JsonNode entry(JsonNode obj, String manager, String operation) {
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager)
          && e.path("operation").asText().equals(operation)
          && e.path("subresource").asText("").isEmpty()) {
        return e;
      }
    }
    return null;
  }

  private static String rv(JsonNode obj) {
    return obj.path("metadata").path("resourceVersion").asText();
  }

  /** How a kubectl run ended: its exit code and its output and errors together. */
  record Run(int exit, String output) {}

  /** Runs kubectl in namespace {@code ns}. */
  private static Run kubectl(Path kubeconfig, String ns, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig,
        "--request-timeout=30s", "-n", ns));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "kubectl", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().remove("KUBECONFIG");
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out));
  }

  private static boolean onPath(String tool) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
