package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** default/kubernetes lists the masters whose leases are live, and drops one that stops. */
@Timeout(180)
class MasterEndpointsIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient[] api;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir);
    api = cluster.admins();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Set<String> endpoints(RestClient c) {
    RestClient.Reply r = c.get("/api/v1/namespaces/default/endpoints/kubernetes");
    Set<String> out = new TreeSet<>();
    if (r.code() != 200) {
      return out;
    }
    for (JsonNode s : r.json().path("subsets")) {
      for (JsonNode a : s.path("addresses")) {
        out.add("https://" + a.path("ip").asText() + ":" + s.path("ports").get(0).path("port")
            .asInt());
      }
    }
    return out;
  }

  @Test
  void kubernetesEndpointsFollowTheLiveMasters() throws Exception {
    Set<String> all = new TreeSet<>(Set.of(cluster.apiUrl(0), cluster.apiUrl(1),
        cluster.apiUrl(2)));
    await("all three masters listed").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() -> endpoints(api[0]).equals(all));
    JsonNode svc = api[1].get("/api/v1/namespaces/default/services/kubernetes").json();
    assertThat(svc.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(443);

    cluster.stop(2);
    Set<String> two = new TreeSet<>(Set.of(cluster.apiUrl(0), cluster.apiUrl(1)));
    await("the stopped master dropped").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() -> endpoints(api[0]).equals(two));
    cluster.start(2);
    await("the restarted master back").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).until(() -> endpoints(api[1]).equals(all));
  }
}
