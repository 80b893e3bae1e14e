package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keelson.auth.pki.Kubeconfig;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import dev.keelson.server.testing.TcpFailoverProxy;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Kubernetes Java client's informer, through a load balancer in front of the three
 * masters, stays in sync while the leader and then another master go away: it follows another
 * master, lists again at most once, and sees every change.
 */
@Timeout(300)
class InformerFailoverIT {
  private static final String NS = "informed";
  private static final int PER_PHASE = 20;

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] api;
  static TcpFailoverProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    api = cluster.admins();
    cluster.awaitApiReady();
    List<InetSocketAddress> backends = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      backends.add(new InetSocketAddress("127.0.0.1",
          Integer.parseInt(cluster.apiUrl(i).substring(cluster.apiUrl(i).lastIndexOf(':') + 1))));
    }
    proxy = new TcpFailoverProxy(backends, cluster::isRunning);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void informerFollowsAnotherMasterWithoutRelistingOrMissingEvents() throws Exception {
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}")
        .code()).isEqualTo(201);
    Path kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, Kubeconfig.render("t", "https://127.0.0.1:" + proxy.port(),
        cluster.pki().ca().certificatePem(), "admin", cluster.pki().admin().certificatePem(),
        cluster.pki().admin().keyPem()));
    ApiClient client = Config.fromConfig(kubeconfig.toString());
    client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS)
        .build());
    GenericKubernetesApi<V1Pod, V1PodList> pods = new GenericKubernetesApi<>(V1Pod.class,
        V1PodList.class, "", "v1", "pods", client);
    AtomicInteger lists = new AtomicInteger();
    ListerWatcher<V1Pod, V1PodList> counting = new ListerWatcher<>() {
      @Override
      public V1PodList list(CallGeneratorParams p) throws ApiException {
        lists.incrementAndGet();
        ListOptions o = new ListOptions();
        o.setResourceVersion(p.resourceVersion);
        o.setTimeoutSeconds(p.timeoutSeconds);
        return pods.list(NS, o).throwsApiException().getObject();
      }

      @Override
      public Watchable<V1Pod> watch(CallGeneratorParams p) throws ApiException {
        ListOptions o = new ListOptions();
        o.setResourceVersion(p.resourceVersion);
        o.setTimeoutSeconds(p.timeoutSeconds);
        return pods.watch(NS, o);
      }
    };
    Set<String> added = ConcurrentHashMap.newKeySet();
    Set<String> deleted = ConcurrentHashMap.newKeySet();
    Map<String, String> labelled = new ConcurrentHashMap<>();
    int leader = awaitLeader();
    proxy.prefer(leader); // the informer starts on the leader, which then goes away
    SharedInformerFactory factory = new SharedInformerFactory(client);
    SharedIndexInformer<V1Pod> informer = factory.sharedIndexInformerFor(counting, V1Pod.class,
        0);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(V1Pod p) {
        added.add(p.getMetadata().getName());
      }

      @Override
      public void onUpdate(V1Pod old, V1Pod now) {
        Map<String, String> l = now.getMetadata().getLabels();
        if (l != null && l.containsKey("phase")) {
          labelled.put(now.getMetadata().getName(), l.get("phase"));
        }
      }

      @Override
      public void onDelete(V1Pod p, boolean unknownFinalState) {
        deleted.add(p.getMetadata().getName());
      }
    });
    factory.startAllRegisteredInformers();
    try {
      await("informer synced").atMost(Duration.ofSeconds(30)).until(informer::hasSynced);
      int listsAfterSync = lists.get();

      createPods(0);
      assertThat(proxy.current()).isEqualTo(leader);
      cluster.stop(leader);
      createPods(1);
      cluster.start(leader);
      cluster.awaitSameRevision(0);
      int other = proxy.current(); // where the informer went: that master goes next
      assertThat(other).isNotEqualTo(leader);
      cluster.stop(other);
      createPods(2);
      for (int i = 0; i < PER_PHASE; i++) {
        update(i, "labelled");
      }
      for (int i = PER_PHASE; i < 2 * PER_PHASE; i++) {
        delete(i);
      }
      cluster.start(other);

      Map<String, String> truth = new HashMap<>();
      for (var item : api[leader].get("/api/v1/namespaces/" + NS + "/pods").json()
          .path("items")) {
        truth.put(item.path("metadata").path("name").asText(),
            item.path("metadata").path("resourceVersion").asText());
      }
      assertThat(truth).hasSize(2 * PER_PHASE);
      await("informer store equals the server's list").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<String, String> seen = informer.getIndexer().list().stream().collect(
                Collectors.toMap(p -> p.getMetadata().getName(),
                    p -> p.getMetadata().getResourceVersion()));
            assertThat(seen).isEqualTo(truth);
          });
      assertThat(added).hasSize(3 * PER_PHASE);
      assertThat(deleted).hasSize(PER_PHASE);
      assertThat(labelled).hasSize(PER_PHASE);
      assertThat(lists.get() - listsAfterSync).as("relists after the first list").isLessThanOrEqualTo(1);
    } finally {
      factory.stopAllRegisteredInformers();
    }
  }

  private static int awaitLeader() {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.leader().orElse(-1), l -> l >= 0);
  }

  private static void createPods(int phase) {
    for (int i = phase * PER_PHASE; i < (phase + 1) * PER_PHASE; i++) {
      String body = "{\"metadata\":{\"name\":\"p" + i + "\"},\"spec\":{\"containers\":[{"
          + "\"name\":\"c\",\"image\":\"busybox\"}]}}";
      int code = retry("POST", "/api/v1/namespaces/" + NS + "/pods", body, null);
      assertThat(code).isIn(201, 409); // 409: an earlier attempt whose answer was lost
    }
  }

  private static void update(int i, String phase) {
    String body = "{\"metadata\":{\"labels\":{\"phase\":\"" + phase + "\"}}}";
    assertThat(retry("PATCH", "/api/v1/namespaces/" + NS + "/pods/p" + i, body,
        "application/merge-patch+json")).isEqualTo(200);
  }

  private static void delete(int i) {
    assertThat(retry("DELETE", "/api/v1/namespaces/" + NS + "/pods/p" + i, null, null))
        .isIn(200, 404);
  }

  /** Sends to any running master, retrying while masters come and go; the final code. */
  private static int retry(String method, String path, String body, String contentType) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(() -> {
          for (int m = 0; m < 3; m++) {
            if (!cluster.isRunning(m)) {
              continue;
            }
            RestClient.Reply r = api[m].send(method, path, body,
                contentType == null ? "application/json" : contentType, "application/json");
            if (r.code() < 500) {
              return r.code();
            }
          }
          return -1;
        }, code -> code > 0);
  }
}
