package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Stock kubectl against a cluster started by {@code bin/keelson up}, as an operator uses it. The
 * cluster gets its own state directory and ports (KEELSON_LOCAL, KEELSON_PORT_OFFSET), so a
 * developer's own cluster is left alone. Steps run in order and build on each other.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LOCAL = ROOT.resolve("apiserver/target/kubectl-it");
  /** Outside LOCAL, which {@code down --purge} deletes. */
  private static final Path OUT = ROOT.resolve("apiserver/target/kubectl-it-out");
  private static final String PORT_OFFSET = "7";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "e2e";
  private static final String APP = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web}
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: nginx
              image: nginx:1.25
              ports:
              - containerPort: 80
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        labels: {app: web}
      spec:
        selector: {app: web}
        ports:
        - port: 80
          targetPort: 80
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: web-config
        labels: {app: web}
      data:
        mode: blue
      ---
      apiVersion: v1
      kind: Secret
      metadata:
        name: web-secret
      stringData:
        password: s3cret
      """;
  private static boolean started;

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void up() throws Exception {
    boolean haveKubectl = which("kubectl");
    boolean haveCurl = which("curl");
    if (!haveKubectl || !haveCurl) {
      System.out.println("KubectlIT skipped: needs kubectl and curl on PATH (kubectl "
          + haveKubectl + ", curl " + haveCurl + ")");
    }
    assumeTrue(haveKubectl && haveCurl, "kubectl and curl are needed");
    Run up = keelson("up");
    started = true;
    assertThat(up.exit()).as(up.all()).isZero();
    assertThat(up.out()).contains("Kubernetes API ready on all masters");
  }

  @AfterAll
  static void down() throws Exception {
    if (started) {
      keelson("down", "--purge");
    }
  }

  @Test
  @Order(1)
  void createsANamespaceAndSeesTheBootstrapOnes() throws Exception {
    assertThat(kubectl("create", "namespace", NS).out()).contains("namespace/" + NS + " created");
    Run ns = kubectl("get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}");
    assertThat(ns.out().split(" ")).contains("default", "kube-system", "kube-public",
        "kube-node-lease", NS);
  }

  @Test
  @Order(2)
  void appliesAMultiDocumentFileThenAChangedOneThenServerSide() throws Exception {
    Path file = OUT.resolve("app.yaml");
    Files.writeString(file, APP);
    Run first = kubectl("-n", NS, "apply", "-f", file.toString());
    assertThat(first.out()).contains("deployment.apps/web created", "service/web created",
        "configmap/web-config created", "secret/web-secret created");

    Files.writeString(file, APP.replace("replicas: 2", "replicas: 3")
        .replace("mode: blue", "mode: green"));
    Run second = kubectl("-n", NS, "apply", "-f", file.toString());
    assertThat(second.out()).contains("deployment.apps/web configured", "service/web unchanged",
        "configmap/web-config configured");
    assertThat(kubectl("-n", NS, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")
        .out()).isEqualTo("3");
    assertThat(kubectl("-n", NS, "get", "cm", "web-config", "-o", "jsonpath={.data.mode}")
        .out()).isEqualTo("green");

    Run serverSide = kubectl("-n", NS, "apply", "--server-side", "--force-conflicts", "-f",
        file.toString());
    assertThat(serverSide.out()).contains("deployment.apps/web serverside-applied",
        "configmap/web-config serverside-applied");
  }

  @Test
  @Order(3)
  void getsInEveryOutputFormatAndBySelector() throws Exception {
    assertThat(kubectl("-n", NS, "get", "cm", "web-config", "-o", "yaml").out())
        .contains("kind: ConfigMap", "mode: green", "resourceVersion:");
    JsonNode json = JSON.readTree(kubectl("-n", NS, "get", "deploy", "web", "-o", "json").out());
    assertThat(json.path("spec").path("template").path("spec").path("containers").get(0)
        .path("image").asText()).isEqualTo("nginx:1.25");
    assertThat(kubectl("-n", NS, "get", "secret", "web-secret", "-o",
        "jsonpath={.data.password}").out()).isEqualTo("czNjcmV0"); // base64 of s3cret
    Run wide = kubectl("-n", NS, "get", "deploy", "-o", "wide");
    assertThat(wide.out()).contains("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE",
        "CONTAINERS", "IMAGES", "SELECTOR", "nginx:1.25", "app=web");
    Run pods = kubectl("-n", NS, "get", "svc,cm", "-l", "app=web", "-o", "name");
    assertThat(pods.out().lines()).containsExactlyInAnyOrder("service/web",
        "configmap/web-config");
    assertThat(kubectl("-n", NS, "get", "cm", "-l", "app!=web", "-o", "name").out().lines())
        .doesNotContain("configmap/web-config");
  }

  @Test
  @Order(4)
  void labelsAnnotatesPatchesAndScales() throws Exception {
    kubectl("-n", NS, "label", "cm", "web-config", "tier=front");
    kubectl("-n", NS, "annotate", "cm", "web-config", "owner=ops");
    kubectl("-n", NS, "patch", "cm", "web-config", "-p", "{\"data\":{\"s\":\"1\"}}");
    kubectl("-n", NS, "patch", "cm", "web-config", "--type=merge", "-p",
        "{\"data\":{\"m\":\"2\"}}");
    kubectl("-n", NS, "patch", "cm", "web-config", "--type=json", "-p",
        "[{\"op\":\"add\",\"path\":\"/data/j\",\"value\":\"3\"}]");
    JsonNode cm = JSON.readTree(kubectl("-n", NS, "get", "cm", "web-config", "-o", "json")
        .out());
    assertThat(cm.path("metadata").path("labels").path("tier").asText()).isEqualTo("front");
    assertThat(cm.path("metadata").path("annotations").path("owner").asText()).isEqualTo("ops");
    assertThat(cm.path("data").path("s").asText()).isEqualTo("1");
    assertThat(cm.path("data").path("m").asText()).isEqualTo("2");
    assertThat(cm.path("data").path("j").asText()).isEqualTo("3");

    // strategic merge: containers merge by name instead of being replaced
    kubectl("-n", NS, "patch", "deploy", "web", "-p", "{\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.36\"}]}}}}");
    assertThat(kubectl("-n", NS, "get", "deploy", "web", "-o",
        "jsonpath={.spec.template.spec.containers[*].name}").out()).isEqualTo("nginx sidecar");

    assertThat(kubectl("-n", NS, "scale", "deploy", "web", "--replicas=5").out())
        .contains("deployment.apps/web scaled");
    assertThat(kubectl("-n", NS, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")
        .out()).isEqualTo("5");
  }

  @Test
  @Order(5)
  void getWatchReceivesTheChanges() throws Exception {
    Process watch = new ProcessBuilder("kubectl", "--kubeconfig=" + LOCAL.resolve("kubeconfig"),
        "-n", NS, "get", "cm", "-w", "--output-watch-events")
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(),
          StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException e) {
        // process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      // the initial list comes first: once it is there, the watch is running
      assertThat(next(lines, "ADDED", "web-config")).isNotNull();
      kubectl("-n", NS, "create", "configmap", "watched", "--from-literal=k=v");
      kubectl("-n", NS, "label", "configmap", "watched", "x=y");
      kubectl("-n", NS, "delete", "configmap", "watched");
      assertThat(next(lines, "ADDED", "watched")).isNotNull();
      assertThat(next(lines, "MODIFIED", "watched")).isNotNull();
      assertThat(next(lines, "DELETED", "watched")).isNotNull();
    } finally {
      watch.destroy();
    }
  }

  @Test
  @Order(6)
  void deleteWaitsUntilTheObjectIsGone() throws Exception {
    Run del = kubectl("-n", NS, "delete", "deploy", "web");
    assertThat(del.out()).contains("deployment.apps \"web\" deleted");
    Run get = kubectlMayFail("-n", NS, "get", "deploy", "web");
    assertThat(get.exit()).isNotZero();
    assertThat(get.err()).contains("NotFound");
  }

  @Test
  @Order(7)
  void listsApiResourcesAndExplainsCoreTypes() throws Exception {
    Run res = kubectl("api-resources");
    assertThat(res.out()).contains("pods", "po", "deployments", "deploy", "apps/v1",
        "configmaps", "customresourcedefinitions", "leases", "coordination.k8s.io/v1");
    Run explain = kubectl("explain", "pods");
    assertThat(explain.out()).contains("KIND:", "Pod", "VERSION:", "v1");
    Run fields = kubectl("explain", "pods.spec.containers");
    assertThat(fields.out()).contains("FIELD: containers <[]Container>", "image\t<string>",
        "ports\t<[]ContainerPort>");
    assertThat(kubectl("explain", "deployments.spec.strategy.rollingUpdate").out())
        .contains("FIELD: rollingUpdate <RollingUpdateDeployment>", "maxSurge",
            "maxUnavailable");
  }

  @Test
  @Order(8)
  void deletingTheNamespaceDeletesItsContents() throws Exception {
    kubectl("delete", "namespace", NS, "--wait=true", "--timeout=60s");
    Run get = kubectlMayFail("get", "namespace", NS);
    assertThat(get.exit()).isNotZero();
    assertThat(get.err()).contains("NotFound");
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The next line whose first two columns are {@code event} and {@code name}. */
  private static String next(BlockingQueue<String> lines, String event, String name)
      throws Exception {
    String wanted = event + " " + name;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l != null) {
        seen.add(l);
        String[] cols = l.trim().split("\\s+");
        if (cols.length >= 2 && cols[0].equals(event) && cols[1].equals(name)) {
          return l;
        }
      }
    }
    throw new AssertionError("no line '" + wanted + "' within 30 s; saw " + seen);
  }

  private static Run kubectl(String... args) throws Exception {
    Run r = kubectlMayFail(args);
    assertThat(r.exit()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r;
  }

  private static Run kubectlMayFail(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl",
        "--kubeconfig=" + LOCAL.resolve("kubeconfig"), "--request-timeout=30s"));
    cmd.addAll(List.of(args));
    return run(cmd, Map.of(), 90);
  }

  private static Run keelson(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/keelson").toString()));
    cmd.addAll(List.of(args));
    return run(cmd, Map.of("KEELSON_LOCAL", LOCAL.toString(), "KEELSON_PORT_OFFSET", PORT_OFFSET),
        180);
  }

  private static Run run(List<String> cmd, Map<String, String> env, int timeoutS)
      throws Exception {
    Files.createDirectories(OUT);
    Path out = Files.createTempFile(OUT, "out", ".txt");
    Path err = Files.createTempFile(OUT, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(env);
    pb.environment().remove("KUBECONFIG");
    Process p = pb.start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeoutS + " s");
    }
    Run r = new Run(p.exitValue(), Files.readString(out).trim(), Files.readString(err).trim());
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  private static boolean which(String tool) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
