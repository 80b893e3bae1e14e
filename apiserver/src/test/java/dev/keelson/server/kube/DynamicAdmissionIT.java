package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.admission.webhook.WebhookServer;
import dev.keelson.auth.pki.CertificateAuthority;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic admission on every master: webhooks (a real HTTPS server in the test mutates and
 * denies; a webhook that is down or slow is handled per failurePolicy and timeoutSeconds) and
 * ValidatingAdmissionPolicy with CEL (Deny and Warn). Configuration written through one master
 * takes effect on all of them without a restart.
 */
@Timeout(180)
class DynamicAdmissionIT {
  private static final String ADM = "/apis/admissionregistration.k8s.io/v1/";

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] admin;
  static WebhookServer hooks;
  static String caBundle;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    admin = cluster.admins();
    cluster.awaitApiReady();
    CertificateAuthority ca = CertificateAuthority.create("webhook-ca", Duration.ofDays(1));
    hooks = new WebhookServer(ca.issueServer("webhook", List.of("localhost"),
        List.of("127.0.0.1"), Duration.ofDays(1)));
    caBundle = Base64.getEncoder().encodeToString(ca.certificatePem()
        .getBytes(StandardCharsets.US_ASCII));
  }

  @AfterAll
  static void stop() throws Exception {
    if (hooks != null) {
      hooks.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void namespace(String name, String label) {
    RestClient.Reply r = admin[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{" + label + "}}}");
    assertThat(r.code()).as(r.body()).isEqualTo(201);
  }

  /** A webhook entry calling {@code url} for CREATE of {@code resource} in namespaces so labelled. */
  private static String webhook(String name, String url, String resource, String nsLabel,
      String failurePolicy, int timeoutSeconds) {
    return "{\"name\":\"" + name + "\",\"clientConfig\":{\"url\":\"" + url + "\",\"caBundle\":\""
        + caBundle + "\"},\"rules\":[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],"
        + "\"apiVersions\":[\"v1\"],\"resources\":[\"" + resource + "\"]}],\"namespaceSelector\":"
        + "{\"matchLabels\":{" + nsLabel + "}},\"failurePolicy\":\"" + failurePolicy + "\","
        + "\"sideEffects\":\"None\",\"admissionReviewVersions\":[\"v1\"],\"timeoutSeconds\":"
        + timeoutSeconds + "}";
  }

  private static void configure(String kind, String name, String... webhooks) {
    String resource = kind.equals("Mutating") ? "mutatingwebhookconfigurations"
        : "validatingwebhookconfigurations";
    RestClient.Reply r = admin[0].post(ADM + resource, "{\"metadata\":{\"name\":\"" + name
        + "\"},\"webhooks\":[" + String.join(",", webhooks) + "]}");
    assertThat(r.code()).as(r.body()).isEqualTo(201);
  }

  private static String configMap(String name, String labels) {
    return "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels + "}},"
        + "\"data\":{\"a\":\"b\"}}";
  }

  @Test
  void webhooksMutateAndDenyOnEveryMasterAndKubectlShowsTheDenial() throws Exception {
    namespace("hooked", "\"webhooks\":\"on\"");
    hooks.respond("/label", review -> WebhookServer.patch(review, review.path("request")
        .path("object").path("metadata").has("labels")
        ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/admitted-by\",\"value\":\"webhook\"}]"
        : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"admitted-by\":"
            + "\"webhook\"}}]"));
    hooks.respond("/deny", review -> review.path("request").path("object").path("metadata")
        .path("labels").path("deny").asText().equals("true")
        ? WebhookServer.deny(review, 0, "objects labelled deny=true are not allowed")
        : WebhookServer.allow(review));
    configure("Mutating", "labeller", webhook("label.keelson.test",
        hooks.url("/label").toString(), "configmaps", "\"webhooks\":\"on\"", "Fail", 5));
    configure("Validating", "denier", webhook("deny.keelson.test",
        hooks.url("/deny").toString(), "configmaps", "\"webhooks\":\"on\"", "Fail", 5));
    for (int i = 0; i < admin.length; i++) {
      RestClient master = admin[i];
      String name = "probe-" + i;
      Awaitility.await("webhooks in force on master " + i).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            RestClient.Reply r = master.post("/api/v1/namespaces/hooked/configmaps?dryRun=All",
                configMap(name, "\"deny\":\"true\""));
            return r.code() == 403;
          });
      RestClient.Reply denied = master.post("/api/v1/namespaces/hooked/configmaps",
          configMap(name, "\"deny\":\"true\""));
      assertThat(denied.code()).as(denied.body()).isEqualTo(403);
      assertThat(denied.json().path("message").asText()).isEqualTo("admission webhook "
          + "\"deny.keelson.test\" denied the request: objects labelled deny=true are not "
          + "allowed");
      RestClient.Reply created = master.post("/api/v1/namespaces/hooked/configmaps",
          configMap(name, "\"app\":\"x\""));
      assertThat(created.code()).as(created.body()).isEqualTo(201);
      assertThat(created.json().path("metadata").path("labels").path("admitted-by").asText())
          .isEqualTo("webhook");
      assertThat(admin[(i + 1) % 3].get("/api/v1/namespaces/hooked/configmaps/" + name).json()
          .path("metadata").path("labels").path("app").asText()).isEqualTo("x");
    }
    // a namespace the selector does not match is not sent to the webhooks
    namespace("unhooked", "\"webhooks\":\"off\"");
    RestClient.Reply plain = admin[1].post("/api/v1/namespaces/unhooked/configmaps",
        configMap("free", "\"deny\":\"true\""));
    assertThat(plain.code()).as(plain.body()).isEqualTo(201);
    assertThat(plain.json().path("metadata").path("labels").has("admitted-by")).isFalse();

    if (onPath("kubectl")) {
      Path manifest = dir.resolve("denied.yaml");
      Files.writeString(manifest, """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: from-kubectl
            namespace: hooked
            labels: {deny: "true"}
          data: {a: b}
          """);
      String out = kubectl("apply", "-f", manifest.toString());
      assertThat(out).contains("admission webhook \"deny.keelson.test\" denied the request: "
          + "objects labelled deny=true are not allowed");
    } else {
      System.out.println("DynamicAdmissionIT kubectl step skipped: kubectl is not on PATH");
    }

    // deleting the configuration lifts the denial on every master
    assertThat(admin[2].delete(ADM + "validatingwebhookconfigurations/denier").code())
        .isEqualTo(200);
    for (RestClient master : admin) {
      Awaitility.await("denier gone").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> master.post(
              "/api/v1/namespaces/hooked/configmaps?dryRun=All",
              configMap("after", "\"deny\":\"true\"")).code() == 201);
    }
  }

  @Test
  void aWebhookThatIsDownRefusesUnderFailAndIsPassedOverUnderIgnore() throws Exception {
    namespace("down", "\"webhooks\":\"down\"");
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "https://127.0.0.1:" + closedPort + "/";
    configure("Validating", "down-hooks",
        webhook("fail.keelson.test", url, "secrets", "\"webhooks\":\"down\"", "Fail", 5),
        webhook("ignore.keelson.test", url, "configmaps", "\"webhooks\":\"down\"", "Ignore",
            5));
    Awaitility.await("failing webhook in force").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> admin[1].post(
            "/api/v1/namespaces/down/secrets?dryRun=All", "{\"metadata\":{\"name\":\"s\"}}")
            .code() == 500);
    RestClient.Reply refused = admin[1].post("/api/v1/namespaces/down/secrets",
        "{\"metadata\":{\"name\":\"s\"}}");
    assertThat(refused.code()).as(refused.body()).isEqualTo(500);
    assertThat(refused.json().path("reason").asText()).isEqualTo("InternalError");
    assertThat(refused.json().path("message").asText()).startsWith("Internal error occurred: "
        + "failed calling webhook \"fail.keelson.test\": failed to call webhook: Post \"" + url);
    RestClient.Reply passed = admin[1].post("/api/v1/namespaces/down/configmaps",
        configMap("c", "\"a\":\"b\""));
    assertThat(passed.code()).as(passed.body()).isEqualTo(201);
  }

  @Test
  void aSlowWebhookTimesOutAfterItsTimeoutSeconds() {
    namespace("slow", "\"webhooks\":\"slow\"");
    hooks.hang("/slow");
    configure("Validating", "slow-hook", webhook("slow.keelson.test",
        hooks.url("/slow").toString(), "configmaps", "\"webhooks\":\"slow\"", "Fail", 1));
    Awaitility.await("slow webhook in force").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> admin[2].post(
            "/api/v1/namespaces/slow/configmaps?dryRun=All", configMap("c", "\"a\":\"b\""))
            .code() == 500);
    long start = System.nanoTime();
    RestClient.Reply r = admin[2].post("/api/v1/namespaces/slow/configmaps",
        configMap("c", "\"a\":\"b\""));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r.code()).as(r.body()).isEqualTo(500);
    assertThat(r.json().path("message").asText()).contains("failed calling webhook "
        + "\"slow.keelson.test\"").contains("context deadline exceeded");
    assertThat(ms).as("refused after about timeoutSeconds").isBetween(900L, 5_000L);
    assertThat(admin[2].get("/api/v1/namespaces/slow/configmaps/c").code()).isEqualTo(404);
  }

  @Test
  void aValidatingAdmissionPolicyDeniesWithItsMessageAndWarnsInWarnMode() {
    namespace("policed", "\"policy\":\"deny\"");
    namespace("warned", "\"policy\":\"warn\"");
    RestClient.Reply p = admin[0].post(ADM + "validatingadmissionpolicies", """
        {"metadata":{"name":"max-replicas"},"spec":{"failurePolicy":"Fail",
         "matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],
           "operations":["CREATE","UPDATE"],"resources":["deployments"]}]},
         "validations":[{"expression":"object.spec.replicas <= 5",
           "messageExpression":"'replicas must be no greater than 5, not ' + string(object.spec.replicas)"}]}}
        """);
    assertThat(p.code()).as(p.body()).isEqualTo(201);
    for (String action : List.of("Deny", "Warn")) {
      String ns = action.equals("Deny") ? "deny" : "warn";
      RestClient.Reply b = admin[1].post(ADM + "validatingadmissionpolicybindings",
          ("{\"metadata\":{\"name\":\"max-replicas-%s\"},\"spec\":{\"policyName\":"
              + "\"max-replicas\",\"validationActions\":[\"%s\"],\"matchResources\":{"
              + "\"namespaceSelector\":{\"matchLabels\":{\"policy\":\"%s\"}}}}}")
              .formatted(ns, action, ns));
      assertThat(b.code()).as(b.body()).isEqualTo(201);
    }
    String deployment = "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":%d,"
        + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":"
        + "{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx\"}]}}}}";
    for (RestClient master : admin) {
      Awaitility.await("policy in force").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> master.post(
              "/apis/apps/v1/namespaces/policed/deployments?dryRun=All",
              deployment.formatted(7)).code() == 422);
    }
    RestClient.Reply denied = admin[2].post("/apis/apps/v1/namespaces/policed/deployments",
        deployment.formatted(7));
    assertThat(denied.code()).as(denied.body()).isEqualTo(422);
    assertThat(denied.json().path("reason").asText()).isEqualTo("Invalid");
    assertThat(denied.json().path("message").asText()).isEqualTo("deployments.apps \"web\" is "
        + "forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding "
        + "'max-replicas-deny' denied request: replicas must be no greater than 5, not 7");
    assertThat(admin[2].post("/apis/apps/v1/namespaces/policed/deployments",
        deployment.formatted(3)).code()).isEqualTo(201);
    // an update past the bound is refused the same way
    RestClient.Reply scaled = admin[0].patch("/apis/apps/v1/namespaces/policed/deployments/web",
        "application/merge-patch+json", "{\"spec\":{\"replicas\":6}}");
    assertThat(scaled.code()).as(scaled.body()).isEqualTo(422);

    Awaitility.await("warn binding in force").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> admin[1].post(
            "/apis/apps/v1/namespaces/warned/deployments?dryRun=All", deployment.formatted(7))
            .header("Warning") != null);
    RestClient.Reply warned = admin[1].post("/apis/apps/v1/namespaces/warned/deployments",
        deployment.formatted(7));
    assertThat(warned.code()).as(warned.body()).isEqualTo(201);
    assertThat(warned.header("Warning")).isEqualTo("299 - \"Validation failed for "
        + "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-warn': "
        + "replicas must be no greater than 5, not 7\"");
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** kubectl as the cluster admin (client certificate) against master 0. */
  private static String kubectl(String... args) throws IOException, InterruptedException {
    Path kubeconfig = dir.resolve("admin-kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: keelson
          cluster: {server: "%s", certificate-authority: "%s"}
        users:
        - name: admin
          user: {client-certificate: "%s", client-key: "%s"}
        contexts:
        - name: admin
          context: {cluster: keelson, user: admin}
        current-context: admin
        """.formatted(cluster.apiUrl(0), cluster.pki().caCertFile(),
        cluster.pki().adminCertFile(), cluster.pki().adminKeyFile()));
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    proc.getOutputStream().close();
    if (!proc.waitFor(60, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      throw new IllegalStateException(cmd + " did not finish within 60 s");
    }
    return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
