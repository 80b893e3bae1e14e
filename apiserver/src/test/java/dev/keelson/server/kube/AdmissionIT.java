package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in admission plugins every master runs: NamespaceLifecycle (no content in missing
 * or terminating namespaces, system namespaces are not deleted), ServiceAccount (pods run as
 * {@code default} unless they say otherwise, and only as an account that exists; a controller
 * gives every namespace its {@code default} account), ResourceQuota (never exceeded, even by
 * concurrent creates on every master) and LimitRanger (defaults and bounds).
 */
@Timeout(120)
class AdmissionIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] admin;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    admin = cluster.admins();
    cluster.awaitApiReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String pod(String name, String account) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
        + (account == null ? "" : "\"serviceAccountName\":\"" + account + "\",")
        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";
  }

  private static void assertStatus(RestClient.Reply r, int code, String reason, String message) {
    assertThat(r.code()).as(r.body()).isEqualTo(code);
    JsonNode s = r.json();
    assertThat(s.path("kind").asText()).isEqualTo("Status");
    assertThat(s.path("reason").asText()).isEqualTo(reason);
    assertThat(s.path("message").asText()).isEqualTo(message);
  }

  @Test
  void nothingIsCreatedInAMissingNamespace() {
    assertStatus(admin[1].post("/api/v1/namespaces/nowhere/configmaps",
        "{\"metadata\":{\"name\":\"c\"}}"), 404, "NotFound", "namespaces \"nowhere\" not found");
  }

  @Test
  void nothingIsCreatedInANamespaceBeingDeleted() {
    assertThat(admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"leaving\"}}")
        .code()).isEqualTo(201);
    // a finalizer holds one object, and with it the namespace, in Terminating
    assertThat(admin[0].post("/api/v1/namespaces/leaving/configmaps",
        "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}").code())
        .isEqualTo(201);
    assertThat(admin[0].delete("/api/v1/namespaces/leaving").code()).isEqualTo(200);
    // each master refuses once its cache shows the namespace terminating (a create that came
    // first is emptied out with the namespace)
    for (RestClient a : admin) {
      Awaitility.await("refused in a terminating namespace").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50)).until(() -> a.post(
              "/api/v1/namespaces/leaving/configmaps", "{\"metadata\":{\"name\":\"late\"}}")
              .code() == 403);
      assertStatus(a.post("/api/v1/namespaces/leaving/configmaps",
          "{\"metadata\":{\"name\":\"late\"}}"), 403, "Forbidden", "configmaps \"late\" is "
          + "forbidden: unable to create new content in namespace leaving because it is being "
          + "terminated");
    }
    assertThat(admin[0].patch("/api/v1/namespaces/leaving/configmaps/held",
        "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}").code())
        .isEqualTo(200);
    Awaitility.await("namespace gone").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> admin[0].get("/api/v1/namespaces/leaving").code() == 404);
  }

  @Test
  void systemNamespacesCannotBeDeleted() {
    for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
      assertStatus(admin[0].delete("/api/v1/namespaces/" + ns), 403, "Forbidden",
          "namespaces \"" + ns + "\" is forbidden: this namespace may not be deleted");
      assertThat(admin[1].get("/api/v1/namespaces/" + ns).json().path("metadata")
          .has("deletionTimestamp")).isFalse();
    }
  }

  @Test
  void everyNamespaceGetsItsDefaultServiceAccountAgainIfDeleted() {
    assertThat(admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"accounts\"}}")
        .code()).isEqualTo(201);
    String sa = "/api/v1/namespaces/accounts/serviceaccounts/default";
    Awaitility.await("default account").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> admin[2].get(sa).code() == 200);
    String uid = admin[2].get(sa).json().path("metadata").path("uid").asText();
    assertThat(admin[1].delete(sa).code()).isEqualTo(200);
    Awaitility.await("default account again").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          RestClient.Reply r = admin[0].get(sa);
          return r.code() == 200 && !r.json().path("metadata").path("uid").asText().equals(uid);
        });
  }

  @Test
  void podsRunAsDefaultUnlessTheyNameAnAccountThatExists() {
    // created right after its namespace: the pod waits for the default account
    assertThat(admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"pods\"}}")
        .code()).isEqualTo(201);
    RestClient.Reply p = admin[1].post("/api/v1/namespaces/pods/pods", pod("p1", null));
    assertThat(p.code()).as(p.body()).isEqualTo(201);
    assertThat(p.json().path("spec").path("serviceAccountName").asText()).isEqualTo("default");
    assertStatus(admin[2].post("/api/v1/namespaces/pods/pods", pod("p2", "builder")), 403,
        "Forbidden", "pods \"p2\" is forbidden: error looking up service account "
            + "pods/builder: serviceaccount \"builder\" not found");
    assertThat(admin[0].post("/api/v1/namespaces/pods/serviceaccounts",
        "{\"metadata\":{\"name\":\"builder\"}}").code()).isEqualTo(201);
    RestClient.Reply named = admin[2].post("/api/v1/namespaces/pods/pods", pod("p3", "builder"));
    assertThat(named.code()).as(named.body()).isEqualTo(201);
    assertThat(named.json().path("spec").path("serviceAccountName").asText())
        .isEqualTo("builder");
    // dry run is admitted the same way and stores nothing
    RestClient.Reply dry = admin[0].post("/api/v1/namespaces/pods/pods?dryRun=All",
        pod("p4", "nobody"));
    assertThat(dry.code()).isEqualTo(403);
  }

  private static void namespace(String name) {
    assertThat(admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name
        + "\"}}").code()).isEqualTo(201);
    Awaitility.await("default account in " + name).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50)).until(() -> admin[0].get("/api/v1/namespaces/"
            + name + "/serviceaccounts/default").code() == 200);
  }

  /** Waits until the quota controller has filled in the quota's status. */
  private static JsonNode awaitQuotaStatus(String ns, String name, String resource,
      String used) {
    String path = "/api/v1/namespaces/" + ns + "/resourcequotas/" + name;
    Awaitility.await("quota " + name + " " + resource + "=" + used)
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> admin[0].get(path).json().path("status").path("used").path(resource)
            .asText("").equals(used));
    return admin[0].get(path).json();
  }

  @Test
  void fiftyConcurrentPodCreatesOnThreeMastersEndWithExactlyTheQuota() throws Exception {
    namespace("quota-race");
    assertThat(admin[0].post("/api/v1/namespaces/quota-race/resourcequotas",
        "{\"metadata\":{\"name\":\"pods\"},\"spec\":{\"hard\":{\"pods\":\"10\"}}}").code())
        .isEqualTo(201);
    awaitQuotaStatus("quota-race", "pods", "pods", "0");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(50);
    java.util.List<java.util.concurrent.Future<RestClient.Reply>> replies =
        new java.util.ArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int i = 0; i < 50; i++) {
      RestClient master = admin[i % 3];
      String name = "p" + i;
      replies.add(pool.submit(() -> {
        go.await();
        return master.post("/api/v1/namespaces/quota-race/pods", pod(name, null));
      }));
    }
    go.countDown();
    int created = 0;
    int refused = 0;
    String aCreatedPod = null;
    for (var f : replies) {
      RestClient.Reply r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      if (r.code() == 201) {
        created++;
        aCreatedPod = r.json().path("metadata").path("name").asText();
      } else {
        assertThat(r.code()).as(r.body()).isEqualTo(403);
        assertThat(r.json().path("message").asText()).contains("exceeded quota: pods, "
            + "requested: pods=1, used: pods=10, limited: pods=10");
        refused++;
      }
    }
    pool.shutdown();
    assertThat(created).isEqualTo(10);
    assertThat(refused).isEqualTo(40);
    assertThat(admin[2].get("/api/v1/namespaces/quota-race/pods").json().path("items").size())
        .isEqualTo(10);
    assertThat(awaitQuotaStatus("quota-race", "pods", "pods", "10").path("status")
        .path("hard").path("pods").asText()).isEqualTo("10");
    // a deleted pod gives its share back, and the next create fits again
    assertThat(admin[1].delete("/api/v1/namespaces/quota-race/pods/" + aCreatedPod
        + "?gracePeriodSeconds=0").code()).isEqualTo(200);
    awaitQuotaStatus("quota-race", "pods", "pods", "9");
    assertThat(admin[2].post("/api/v1/namespaces/quota-race/pods", pod("again", null)).code())
        .isEqualTo(201);
  }

  @Test
  void computeQuotasCountRequestsAndRefusePodsThatDoNotSayWhatTheyNeed() {
    namespace("quota-cpu");
    assertThat(admin[0].post("/api/v1/namespaces/quota-cpu/resourcequotas",
        "{\"metadata\":{\"name\":\"compute\"},\"spec\":{\"hard\":{\"requests.cpu\":\"1\","
            + "\"requests.memory\":\"1Gi\"}}}").code()).isEqualTo(201);
    awaitQuotaStatus("quota-cpu", "compute", "requests.cpu", "0");
    assertStatus(admin[1].post("/api/v1/namespaces/quota-cpu/pods", pod("bare", null)), 403,
        "Forbidden", "pods \"bare\" is forbidden: failed quota: compute: must specify "
            + "requests.cpu for: c; requests.memory for: c");
    String sized = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"600m\",\"memory\":"
        + "\"256Mi\"}}}]}}";
    assertThat(admin[1].post("/api/v1/namespaces/quota-cpu/pods", sized.formatted("a")).code())
        .isEqualTo(201);
    assertStatus(admin[2].post("/api/v1/namespaces/quota-cpu/pods", sized.formatted("b")),
        403, "Forbidden", "pods \"b\" is forbidden: exceeded quota: compute, requested: "
            + "requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1");
    assertThat(awaitQuotaStatus("quota-cpu", "compute", "requests.memory", "256Mi")
        .path("status").path("used").path("requests.cpu").asText()).isEqualTo("600m");
  }

  @Test
  void limitRangeDefaultsAppearOnCreatedPodsAndItsMaximumIsEnforced() {
    namespace("limits");
    assertThat(admin[0].post("/api/v1/namespaces/limits/limitranges",
        "{\"metadata\":{\"name\":\"lr\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
            + "\"default\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"defaultRequest\":"
            + "{\"cpu\":\"100m\"},\"max\":{\"cpu\":\"1\"}}]}}").code()).isEqualTo(201);
    // another master may not have the LimitRange in its cache at once
    Awaitility.await("defaults applied").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50)).until(() -> {
          RestClient.Reply r = admin[2].post("/api/v1/namespaces/limits/pods?dryRun=All",
              pod("probe", null));
          return r.code() == 201 && r.json().path("spec").path("containers").path(0)
              .path("resources").has("limits");
        });
    RestClient.Reply p = admin[2].post("/api/v1/namespaces/limits/pods", pod("p", null));
    assertThat(p.code()).as(p.body()).isEqualTo(201);
    JsonNode resources = p.json().path("spec").path("containers").path(0).path("resources");
    assertThat(resources.path("limits").path("cpu").asText()).isEqualTo("500m");
    assertThat(resources.path("limits").path("memory").asText()).isEqualTo("256Mi");
    assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("100m");
    // no default request for memory: it defaults to the default limit
    assertThat(resources.path("requests").path("memory").asText()).isEqualTo("256Mi");
    assertThat(p.json().path("metadata").path("annotations").path("kubernetes.io/limit-ranger")
        .asText()).isEqualTo("LimitRanger plugin set: cpu, memory request for container c; "
            + "cpu, memory limit for container c");
    assertStatus(admin[1].post("/api/v1/namespaces/limits/pods",
        "{\"metadata\":{\"name\":\"big\"},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"image\":\"nginx\",\"resources\":{\"limits\":{\"cpu\":\"2\"}}}]}}"), 403,
        "Forbidden", "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but "
            + "limit is 2");
  }

  @Test
  void restrictedNamespacesRefusePrivilegedPodsAndWarnModeOnlyWarns() {
    assertThat(admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"locked\","
        + "\"labels\":{\"pod-security.kubernetes.io/enforce\":\"restricted\"}}}").code())
        .isEqualTo(201);
    String privileged = "{\"metadata\":{\"name\":\"root\"},\"spec\":{\"containers\":[{\"name\":"
        + "\"c\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":true}}]}}";
    RestClient.Reply refused = admin[1].post("/api/v1/namespaces/locked/pods?dryRun=All",
        privileged);
    assertStatus(refused, 403, "Forbidden", "pods \"root\" is forbidden: violates PodSecurity "
        + "\"restricted:latest\": allowPrivilegeEscalation != false (container \"c\" must set "
        + "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities "
        + "(container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), privileged "
        + "(container \"c\" must not set securityContext.privileged=true), runAsNonRoot != true "
        + "(pod or container \"c\" must set securityContext.runAsNonRoot=true), seccompProfile "
        + "(pod or container \"c\" must set securityContext.seccompProfile.type to "
        + "\"RuntimeDefault\" or \"Localhost\")");
    String compliant = "{\"metadata\":{\"name\":\"ok\"},\"spec\":{\"securityContext\":{"
        + "\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},"
        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"securityContext\":{"
        + "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}}]}}";
    RestClient.Reply ok = admin[2].post("/api/v1/namespaces/locked/pods?dryRun=All", compliant);
    assertThat(ok.code()).as(ok.body()).isEqualTo(201);

    assertThat(admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"watched\","
        + "\"labels\":{\"pod-security.kubernetes.io/warn\":\"baseline\"}}}").code())
        .isEqualTo(201);
    String deployment = "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchLabels\":"
        + "{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{"
        + "\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
    RestClient.Reply warned = admin[1].post("/apis/apps/v1/namespaces/watched/deployments"
        + "?dryRun=All", deployment);
    assertThat(warned.code()).as(warned.body()).isEqualTo(201);
    assertThat(warned.header("Warning")).isEqualTo("299 - \"would violate PodSecurity "
        + "\\\"baseline:latest\\\": host namespaces (hostNetwork=true)\"");
    // raising the level of a namespace with pods that break it warns about them
    String root = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"containers\":[{\"name\":"
        + "\"c\",\"image\":\"nginx\",\"securityContext\":{\"privileged\":true}}]}}";
    for (String name : List.of("old-1", "old-2")) {
      RestClient.Reply p = admin[1].post("/api/v1/namespaces/watched/pods", root.formatted(name));
      assertThat(p.code()).as(p.body()).isEqualTo(201);
    }
    Awaitility.await("pods in master 0's cache").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50)).until(() -> admin[0].get(
            "/api/v1/namespaces/watched/pods?resourceVersion=0").json().path("items").size() == 2);
    RestClient.Reply labelled = admin[0].patch("/api/v1/namespaces/watched",
        "application/merge-patch+json", "{\"metadata\":{\"labels\":{"
            + "\"pod-security.kubernetes.io/enforce\":\"baseline\"}}}");
    assertThat(labelled.code()).as(labelled.body()).isEqualTo(200);
    assertThat(labelled.raw().headers().allValues("Warning")).containsExactly(
        "299 - \"existing pods in namespace \\\"watched\\\" violate the new PodSecurity "
            + "enforce level \\\"baseline:latest\\\"\"",
        "299 - \"old-1 (and 1 other pod): privileged\"");
  }
}
