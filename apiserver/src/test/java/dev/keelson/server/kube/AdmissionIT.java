package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in admission plugins every master runs: NamespaceLifecycle (no content in missing
 * or terminating namespaces, system namespaces are not deleted) and ServiceAccount (pods run as
 * {@code default} unless they say otherwise, and only as an account that exists; a controller
 * gives every namespace its {@code default} account).
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
}
