package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.api.KubeApi;
import dev.keelson.auth.pki.CertificateAuthority;
import dev.keelson.auth.pki.IssuedCert;
import dev.keelson.auth.pki.LocalPki;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and RBAC with the defaults a new cluster gets: no anonymous access, RBAC on,
 * the bootstrap policy, and TLS everywhere as {@code bin/keelson up} runs it (Raft between the
 * masters over mutual TLS, the etcd API requiring a client certificate). A developer with a
 * Role in one namespace, once with a static token and once with a client certificate, can do
 * exactly what the Role allows, on every master.
 */
@Timeout(180)
class AuthIT {
  private static final String NS = "dev-ns";
  private static final String DEV_TOKEN = "dev-token-5f2b7c";
  private static final String EDITOR_TOKEN = "editor-token-81d3aa";

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] admin;
  /** The developer "dev" on each master: [i][0] with the token, [i][1] with a certificate. */
  static RestClient[][] dev;
  static RestClient nobody;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens.csv");
    Files.writeString(tokens, DEV_TOKEN + ",dev,1001,\"developers\"\n"
        + EDITOR_TOKEN + ",editor,1002\n", StandardCharsets.UTF_8);
    cluster = LocalCluster.startSecure(dir, pki -> new KubeApi.Security(false, tokens,
        pki.serviceAccountKey(), true));
    admin = cluster.admins();
    IssuedCert devCert = cluster.pki().ca().issueClient("dev", List.of("developers"),
        Duration.ofHours(1));
    dev = new RestClient[3][];
    for (int i = 0; i < 3; i++) {
      dev[i] = new RestClient[] {
          new RestClient(cluster.apiUrl(i), cluster.pki().ca().certificate(), null)
              .withToken(DEV_TOKEN),
          new RestClient(cluster.apiUrl(i), cluster.pki().ca().certificate(), devCert)};
    }
    nobody = new RestClient(cluster.apiUrl(0), cluster.pki().ca().certificate(), null);
    cluster.awaitApiReady();
    awaitBootstrapPolicy();
    assertThat(admin[0].post("/api/v1/namespaces",
        "{\"metadata\":{\"name\":\"" + NS + "\"}}").code()).isEqualTo(201);
    assertThat(admin[0].post("/api/v1/namespaces",
        "{\"metadata\":{\"name\":\"other-ns\"}}").code()).isEqualTo(201);
    assertThat(admin[0].post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/roles",
        """
        {"metadata":{"name":"pod-manager"},
         "rules":[{"apiGroups":[""],"resources":["pods"],
                   "verbs":["get","list","watch","create","delete"]},
                  {"apiGroups":[""],"resources":["configmaps"],"resourceNames":["app-config"],
                   "verbs":["get"]}]}
        """).code()).isEqualTo(201);
    assertThat(admin[0].post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS
        + "/rolebindings", """
        {"metadata":{"name":"dev-pods"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-manager"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"dev"}]}
        """).code()).isEqualTo(201);
    // every master's RBAC cache has the binding before the tests ask
    for (int i = 0; i < 3; i++) {
      awaitAllowed(dev[i][0], "list", "", "pods", NS, "");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void awaitBootstrapPolicy() {
    Awaitility.await("bootstrap RBAC policy on every master").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          for (RestClient a : admin) {
            if (a.get("/readyz/poststarthook/rbac/bootstrap-roles").code() != 200) {
              return false;
            }
          }
          return true;
        });
  }

  private static String ssar(String verb, String group, String resource, String ns,
      String name) {
    return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
        + "\"spec\":{\"resourceAttributes\":{\"verb\":\"" + verb + "\",\"group\":\"" + group
        + "\",\"resource\":\"" + resource + "\",\"namespace\":\"" + ns + "\",\"name\":\""
        + name + "\"}}}";
  }

  private static boolean allowed(RestClient c, String verb, String group, String resource,
      String ns, String name) {
    RestClient.Reply r = c.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        ssar(verb, group, resource, ns, name));
    assertThat(r.code()).as(r.body()).isEqualTo(201);
    return r.json().path("status").path("allowed").asBoolean();
  }

  private static void awaitAllowed(RestClient c, String verb, String group, String resource,
      String ns, String name) {
    Awaitility.await(verb + " " + resource + " allowed").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> allowed(c, verb, group, resource, ns, name));
  }

  private static void assertForbidden(RestClient.Reply r, String message) {
    assertThat(r.code()).as(r.body()).isEqualTo(403);
    JsonNode s = r.json();
    assertThat(s.path("kind").asText()).isEqualTo("Status");
    assertThat(s.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(s.path("message").asText()).isEqualTo(message);
  }

  @Test
  void withoutCredentialsOnlyHealthAndVersionAreServed() {
    for (String p : List.of("/livez", "/readyz", "/version", "/readyz?verbose",
        "/livez/ping", "/readyz/poststarthook/rbac/bootstrap-roles")) {
      assertThat(nobody.get(p).code()).as(p).isEqualTo(200);
    }
    for (String p : List.of("/api", "/apis", "/api/v1/namespaces", "/metrics", "/openapi/v2",
        "/api/v1/namespaces/" + NS + "/pods")) {
      RestClient.Reply r = nobody.get(p);
      assertThat(r.code()).as(p).isEqualTo(401);
      assertThat(r.json().path("kind").asText()).isEqualTo("Status");
      assertThat(r.json().path("reason").asText()).isEqualTo("Unauthorized");
    }
    assertThat(nobody.post("/api/v1/namespaces/" + NS + "/configmaps",
        "{\"metadata\":{\"name\":\"x\"}}").code()).isEqualTo(401);
  }

  @Test
  void aWrongTokenIsUnauthorizedEvenOnHealthPaths() {
    RestClient wrong = nobody.withToken("not-a-token");
    assertThat(wrong.get("/livez").code()).isEqualTo(401);
    assertThat(wrong.get("/api").code()).isEqualTo(401);
  }

  @Test
  void theDeveloperCanDoExactlyWhatTheRoleAllowsWithATokenAndWithACertificate() {
    for (int i = 0; i < 3; i++) {
      for (int c = 0; c < 2; c++) {
        RestClient d = dev[i][c];
        String how = "master " + i + (c == 0 ? " token" : " certificate");
        String pod = "p-" + i + "-" + c;
        RestClient.Reply created = d.post("/api/v1/namespaces/" + NS + "/pods",
            "{\"metadata\":{\"name\":\"" + pod + "\"},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        assertThat(created.code()).as(how + ": " + created.body()).isEqualTo(201);
        assertThat(d.get("/api/v1/namespaces/" + NS + "/pods").code()).as(how).isEqualTo(200);
        assertThat(d.get("/api/v1/namespaces/" + NS + "/pods/" + pod).code()).as(how)
            .isEqualTo(200);
        // only the one named ConfigMap, and only get
        assertThat(d.get("/api/v1/namespaces/" + NS + "/configmaps/app-config").code())
            .as(how).isEqualTo(404);
        assertForbidden(d.get("/api/v1/namespaces/" + NS + "/configmaps/other"),
            "configmaps \"other\" is forbidden: User \"dev\" cannot get resource "
                + "\"configmaps\" in API group \"\" in the namespace \"" + NS + "\"");
        assertForbidden(d.get("/api/v1/namespaces/" + NS + "/configmaps"),
            "configmaps is forbidden: User \"dev\" cannot list resource \"configmaps\" in API "
                + "group \"\" in the namespace \"" + NS + "\"");
        assertForbidden(d.put("/api/v1/namespaces/" + NS + "/pods/" + pod, created.body()),
            "pods \"" + pod + "\" is forbidden: User \"dev\" cannot update resource \"pods\" "
                + "in API group \"\" in the namespace \"" + NS + "\"");
        assertForbidden(d.get("/api/v1/namespaces/other-ns/pods"),
            "pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" "
                + "in the namespace \"other-ns\"");
        assertForbidden(d.get("/api/v1/nodes"), "nodes is forbidden: User \"dev\" cannot "
            + "list resource \"nodes\" in API group \"\" at the cluster scope");
        assertForbidden(d.get("/apis/apps/v1/namespaces/" + NS + "/deployments"),
            "deployments.apps is forbidden: User \"dev\" cannot list resource \"deployments\" "
                + "in API group \"apps\" in the namespace \"" + NS + "\"");
        assertForbidden(d.get("/api/v1/namespaces/" + NS + "/pods/" + pod + "/status"),
            "pods \"" + pod + "\" is forbidden: User \"dev\" cannot get resource "
                + "\"pods/status\" in API group \"\" in the namespace \"" + NS + "\"");
        assertThat(d.delete("/api/v1/namespaces/" + NS + "/pods/" + pod).code()).as(how)
            .isEqualTo(200);
        // discovery and self-reviews come from the bootstrap policy
        assertThat(d.get("/api").code()).as(how).isEqualTo(200);
        assertThat(d.get("/apis/apps/v1").code()).as(how).isEqualTo(200);
        assertThat(d.get("/version").code()).as(how).isEqualTo(200);
        assertForbidden(d.get("/metrics"), "forbidden: User \"dev\" cannot get path "
            + "\"/metrics\"");
      }
    }
  }

  @Test
  void accessReviewsAnswerForTheDeveloper() {
    RestClient d = dev[1][0];
    assertThat(allowed(d, "create", "", "pods", NS, "")).isTrue();
    assertThat(allowed(d, "get", "", "configmaps", NS, "app-config")).isTrue();
    assertThat(allowed(d, "get", "", "configmaps", NS, "other")).isFalse();
    assertThat(allowed(d, "list", "", "secrets", NS, "")).isFalse();
    assertThat(allowed(d, "create", "", "pods", "other-ns", "")).isFalse();
    // the SubjectAccessReview an administrator asks about dev agrees
    RestClient.Reply sar = admin[2].post("/apis/authorization.k8s.io/v1/subjectaccessreviews",
        "{\"spec\":{\"user\":\"dev\",\"groups\":[\"developers\"],\"resourceAttributes\":"
            + "{\"verb\":\"delete\",\"resource\":\"pods\",\"namespace\":\"" + NS + "\"}}}");
    assertThat(sar.code()).isEqualTo(201);
    assertThat(sar.json().path("status").path("allowed").asBoolean()).isTrue();
    assertThat(sar.json().path("status").path("reason").asText())
        .contains("RoleBinding \"dev-pods/" + NS + "\"").contains("Role \"pod-manager\"");
    // the developer may not ask about others
    assertThat(d.post("/apis/authorization.k8s.io/v1/subjectaccessreviews",
        "{\"spec\":{\"user\":\"x\",\"nonResourceAttributes\":{\"verb\":\"get\",\"path\":\"/\"}}}")
        .code()).isEqualTo(403);
    // rules review lists the Role's rules in the namespace
    RestClient.Reply rules = d.post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "{\"spec\":{\"namespace\":\"" + NS + "\"}}");
    assertThat(rules.code()).isEqualTo(201);
    List<String> resources = new ArrayList<>();
    rules.json().path("status").path("resourceRules")
        .forEach(r -> r.path("resources").forEach(x -> resources.add(x.asText())));
    assertThat(resources).contains("pods", "configmaps", "selfsubjectaccessreviews");
    // whoami
    RestClient.Reply me = dev[0][1].post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
        "{}");
    assertThat(me.code()).isEqualTo(201);
    assertThat(me.json().path("status").path("userInfo").path("username").asText())
        .isEqualTo("dev");
    assertThat(me.json().path("status").path("userInfo").path("groups").toString())
        .isEqualTo("[\"developers\",\"system:authenticated\"]");
    // an invalid review is a 422 Status
    RestClient.Reply bad = d.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "{\"spec\":{}}");
    assertThat(bad.code()).isEqualTo(422);
    assertThat(bad.json().path("kind").asText()).isEqualTo("Status");
  }

  @Test
  void kubectlAuthCanIAndWhoamiAnswerForTheDeveloper() throws Exception {
    if (!onPath("kubectl")) {
      System.out.println("AuthIT kubectl case skipped: kubectl is not on PATH");
      return;
    }
    Path kubeconfig = dir.resolve("dev-kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: keelson
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: dev
          user:
            token: %s
        contexts:
        - name: dev
          context: {cluster: keelson, user: dev, namespace: %s}
        current-context: dev
        """.formatted(cluster.apiUrl(1), cluster.pki().caCertFile(), DEV_TOKEN, NS));
    assertThat(kubectl(kubeconfig, "auth", "can-i", "create", "pods")).isEqualTo("yes");
    assertThat(kubectl(kubeconfig, "auth", "can-i", "list", "secrets")).isEqualTo("no");
    assertThat(kubectl(kubeconfig, "auth", "can-i", "create", "pods", "-n", "other-ns"))
        .isEqualTo("no");
    assertThat(kubectl(kubeconfig, "auth", "whoami", "-o", "jsonpath={.status.userInfo"
        + ".username}")).isEqualTo("dev");
    assertThat(kubectl(kubeconfig, "auth", "can-i", "--list")).contains("pods")
        .contains("[get list watch create delete]");
    String denied = kubectl(kubeconfig, "get", "secrets");
    assertThat(denied).contains("Error from server (Forbidden): secrets is forbidden: "
        + "User \"dev\" cannot list resource \"secrets\" in API group \"\" in the namespace "
        + "\"" + NS + "\"");
  }

  @Test
  void aUserWhoMayWriteRbacCannotGrantMoreThanTheyHold() {
    // editor administers other-ns through the bootstrap admin role
    assertThat(admin[0].post("/apis/rbac.authorization.k8s.io/v1/namespaces/other-ns"
        + "/rolebindings", binding("editor-admin", "ClusterRole", "admin", "editor"))
        .code()).isEqualTo(201);
    RestClient editor = new RestClient(cluster.apiUrl(2), cluster.pki().ca().certificate(),
        null).withToken(EDITOR_TOKEN);
    awaitAllowed(editor, "create", "rbac.authorization.k8s.io", "rolebindings", "other-ns", "");
    String bindings = "/apis/rbac.authorization.k8s.io/v1/namespaces/other-ns/rolebindings";
    RestClient.Reply toAdmin = editor.post(bindings,
        binding("grab", "ClusterRole", "cluster-admin", "editor"));
    assertThat(toAdmin.code()).as(toAdmin.body()).isEqualTo(403);
    assertThat(toAdmin.json().path("message").asText()).startsWith(
        "rolebindings.rbac.authorization.k8s.io \"grab\" is forbidden: user \"editor\" "
            + "(groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not "
            + "currently held:");
    String roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/other-ns/roles";
    RestClient.Reply broader = editor.post(roles, "{\"metadata\":{\"name\":\"nodes\"},"
        + "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"nodes\"],\"verbs\":[\"get\"]}]}");
    assertThat(broader.code()).as(broader.body()).isEqualTo(403);
    assertThat(broader.json().path("message").asText())
        .contains("{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}");
    // what editor holds, editor may grant
    assertThat(editor.post(bindings, binding("viewers", "ClusterRole", "view", "someone"))
        .code()).isEqualTo(201);
    assertThat(editor.post(roles, "{\"metadata\":{\"name\":\"reader\"},\"rules\":[{"
        + "\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}]}").code())
        .isEqualTo(201);
    assertThat(admin[0].get(bindings + "/grab").code()).isEqualTo(404);
    assertThat(admin[0].get(roles + "/nodes").code()).isEqualTo(404);
  }

  private static String binding(String name, String kind, String role, String user) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"roleRef\":{\"apiGroup\":"
        + "\"rbac.authorization.k8s.io\",\"kind\":\"" + kind + "\",\"name\":\"" + role + "\"},"
        + "\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"User\","
        + "\"name\":\"" + user + "\"}]}";
  }

  @Test
  void serviceAccountTokensWorkOnEveryMasterUntilTheAccountIsDeleted() {
    String sa = "/api/v1/namespaces/" + NS + "/serviceaccounts";
    assertThat(admin[0].post(sa, "{\"metadata\":{\"name\":\"builder\"}}").code())
        .isEqualTo(201);
    RestClient.Reply tr = admin[0].post(sa + "/builder/token",
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
            + "\"spec\":{\"expirationSeconds\":3600}}");
    assertThat(tr.code()).as(tr.body()).isEqualTo(201);
    assertThat(tr.json().path("kind").asText()).isEqualTo("TokenRequest");
    String token = tr.json().path("status").path("token").asText();
    assertThat(tr.json().path("status").path("expirationTimestamp").asText()).endsWith("Z");
    for (int i = 0; i < 3; i++) {
      RestClient asSa = new RestClient(cluster.apiUrl(i), cluster.pki().ca().certificate(),
          null).withToken(token);
      RestClient.Reply me = asSa.post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
          "{}");
      assertThat(me.code()).as(me.body()).isEqualTo(201);
      JsonNode u = me.json().path("status").path("userInfo");
      assertThat(u.path("username").asText()).isEqualTo("system:serviceaccount:" + NS
          + ":builder");
      assertThat(u.path("groups").toString()).contains("system:serviceaccounts:" + NS);
      assertForbidden(asSa.get("/api/v1/namespaces/" + NS + "/secrets"), "secrets is "
          + "forbidden: User \"system:serviceaccount:" + NS + ":builder\" cannot list "
          + "resource \"secrets\" in API group \"\" in the namespace \"" + NS + "\"");
    }
    // a TokenReview says the same
    RestClient.Reply review = admin[1].post("/apis/authentication.k8s.io/v1/tokenreviews",
        "{\"spec\":{\"token\":\"" + token + "\"}}");
    assertThat(review.json().path("status").path("authenticated").asBoolean()).isTrue();
    assertThat(admin[1].post("/apis/authentication.k8s.io/v1/tokenreviews",
        "{\"spec\":{\"token\":\"" + token + "x\"}}").json().path("status")
        .path("authenticated").asBoolean()).isFalse();
    // too short a token is refused as Kubernetes refuses it
    RestClient.Reply shortLived = admin[0].post(sa + "/builder/token",
        "{\"spec\":{\"expirationSeconds\":60}}");
    assertThat(shortLived.code()).isEqualTo(422);
    assertThat(shortLived.json().path("message").asText())
        .contains("may not specify a duration less than 10 minutes");
    assertThat(admin[0].post(sa + "/nobody/token", "{\"spec\":{}}").code()).isEqualTo(404);
    // deleting the account revokes the token (after the token cache's few seconds)
    assertThat(admin[0].delete(sa + "/builder").code()).isEqualTo(200);
    RestClient asSa = new RestClient(cluster.apiUrl(2), cluster.pki().ca().certificate(), null)
        .withToken(token);
    Awaitility.await("token refused after the account is gone").atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> asSa.get("/api").code() == 401);
  }

  @Test
  void impersonationNeedsTheImpersonateVerb() {
    RestClient asDev = admin[0].withHeader("Impersonate-User", "dev")
        .withHeader("Impersonate-Group", "developers");
    assertThat(asDev.get("/api/v1/namespaces/" + NS + "/pods").code()).isEqualTo(200);
    assertForbidden(asDev.get("/api/v1/namespaces/" + NS + "/secrets"), "secrets is "
        + "forbidden: User \"dev\" cannot list resource \"secrets\" in API group \"\" in the "
        + "namespace \"" + NS + "\"");
    assertForbidden(dev[0][0].withHeader("Impersonate-User", "admin").get("/api"),
        "users \"admin\" is forbidden: User \"dev\" cannot impersonate resource \"users\" in "
            + "API group \"\" at the cluster scope");
    assertThat(admin[0].withHeader("Impersonate-Group", "system:masters").get("/api").code())
        .isEqualTo(400);
  }

  @Test
  void tlsBelowVersion12IsRefusedOnTheApiTheEtcdApiAndRaft() throws Exception {
    if (!onPath("openssl")) {
      System.out.println("AuthIT TLS case skipped: openssl is not on PATH");
      return;
    }
    List<String> client = List.of("-cert", cluster.pki().peerCertFile().toString(),
        "-key", cluster.pki().peerKeyFile().toString());
    for (String hostPort : List.of(cluster.apiUrl(0).substring("https://".length()),
        cluster.endpoint(1), cluster.raftAddress(2))) {
      List<String> tls11 = new ArrayList<>(List.of("openssl", "s_client", "-connect", hostPort,
          "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"));
      tls11.addAll(client);
      String old = run(tls11);
      // the server answers a TLS 1.1 hello with a protocol_version alert: no session, no cipher
      assertThat(old).as(hostPort).contains("alert protocol version")
          .contains("Cipher is (NONE)").doesNotContain("BEGIN CERTIFICATE");
      List<String> tls12 = new ArrayList<>(List.of("openssl", "s_client", "-connect", hostPort,
          "-tls1_2"));
      tls12.addAll(client);
      assertThat(run(tls12)).as(hostPort).contains("Protocol  : TLSv1.2")
          .contains("BEGIN CERTIFICATE");
    }
  }

  @Test
  void theEtcdApiNeedsAClientCertificateSignedByTheClusterCa() throws Exception {
    if (!onPath("etcdctl")) {
      System.out.println("AuthIT etcdctl case skipped: etcdctl is not on PATH "
          + "(apt-get install etcd-client)");
      return;
    }
    String endpoints = String.join(",", cluster.endpoint(0), cluster.endpoint(1),
        cluster.endpoint(2));
    List<String> tls = List.of("--cacert", cluster.pki().caCertFile().toString(),
        "--cert", cluster.pki().etcdClientCertFile().toString(),
        "--key", cluster.pki().etcdClientKeyFile().toString());
    List<String> put = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoints,
        "--command-timeout=5s"));
    put.addAll(tls);
    put.addAll(List.of("put", "/auth-it/k", "v"));
    assertThat(etcdctl(put)).isEqualTo("OK");
    // a certificate the cluster CA did not sign, no certificate, and plaintext are refused
    IssuedCert foreign = CertificateAuthority.create("other-ca",
        Duration.ofDays(1)).issueClient("mallory", List.of(), Duration.ofHours(1));
    Path fc = dir.resolve("foreign.crt");
    Path fk = dir.resolve("foreign.key");
    foreign.write(fc, fk);
    for (List<String> creds : List.of(
        List.of("--cacert", cluster.pki().caCertFile().toString(), "--cert", fc.toString(),
            "--key", fk.toString()),
        List.of("--cacert", cluster.pki().caCertFile().toString()),
        List.<String>of())) {
      List<String> get = new ArrayList<>(List.of("etcdctl", "--endpoints", cluster.endpoint(1),
          "--command-timeout=3s", "--dial-timeout=2s"));
      get.addAll(creds);
      get.addAll(List.of("get", "/auth-it/k"));
      ProcessBuilder pb = new ProcessBuilder(get).redirectErrorStream(true);
      pb.environment().put("ETCDCTL_API", "3");
      Process p = pb.start();
      p.getOutputStream().close();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(creds + ": " + out).isNotZero();
      assertThat(out).as(creds.toString()).doesNotContain("/auth-it/k\nv");
    }
  }

  @Test
  void raftBetweenMastersIsMutualTls() throws Exception {
    if (!onPath("openssl")) {
      System.out.println("AuthIT Raft TLS case skipped: openssl is not on PATH");
      return;
    }
    // the cluster replicates (every test here writes on one master and reads on another), and
    // its Raft port takes only a client presenting a certificate the cluster CA signed
    String raft = cluster.raftAddress(2);
    String without = run(List.of("openssl", "s_client", "-connect", raft, "-tls1_2"));
    assertThat(without).contains("alert handshake failure");
    String with = run(List.of("openssl", "s_client", "-connect", raft, "-tls1_2",
        "-cert", cluster.pki().peerCertFile().toString(),
        "-key", cluster.pki().peerKeyFile().toString(),
        "-CAfile", cluster.pki().caCertFile().toString()));
    assertThat(with).contains("Protocol  : TLSv1.2").contains("Verify return code: 0 (ok)")
        .contains("CN = " + LocalPki.PEER_NAME);
  }

  private static String etcdctl(List<String> cmd) throws Exception {
    return run(cmd).strip();
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return run(cmd).strip();
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd + " did not finish within 60 s");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
