package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimistic concurrency across masters: 20 writers, spread over the three masters, increment
 * one counter in one ConfigMap by read, modify, PUT with the resourceVersion read, retrying on
 * 409. Every acknowledged update must count: the final value equals the number of 200s.
 */
@Timeout(180)
class NoLostUpdateIT {
  private static final int WRITERS = 20;
  private static final int INCREMENTS_EACH = 10;
  private static final String CM = "/api/v1/namespaces/counting/configmaps/counter";

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
  void concurrentWritersOnDifferentMastersLoseNoUpdate() throws Exception {
    assertThat(api[0].post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"counting\"}}")
        .code()).isEqualTo(201);
    assertThat(api[1].post("/api/v1/namespaces/counting/configmaps",
        "{\"metadata\":{\"name\":\"counter\"},\"data\":{\"n\":\"0\"}}").code()).isEqualTo(201);
    AtomicInteger acknowledged = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      RestClient c = api[w % 3];
      done.add(pool.submit(() -> {
        for (int k = 0; k < INCREMENTS_EACH; k++) {
          while (true) {
            JsonNode cur = c.get(CM).json();
            int n = Integer.parseInt(cur.path("data").path("n").asText());
            ObjectNode next = cur.deepCopy();
            next.withObjectProperty("data").put("n", Integer.toString(n + 1));
            RestClient.Reply r = c.put(CM, next.toString());
            if (r.code() == 200) {
              acknowledged.incrementAndGet();
              break;
            }
            assertThat(r.code()).as(r.body()).isEqualTo(409);
            assertThat(r.json().path("reason").asText()).isEqualTo("Conflict");
            conflicts.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    int expected = acknowledged.get();
    assertThat(expected).isEqualTo(WRITERS * INCREMENTS_EACH);
    for (RestClient c : api) {
      assertThat(c.get(CM).json().path("data").path("n").asText())
          .isEqualTo(Integer.toString(expected));
    }
    // the writers did race: without conflicts the test would prove nothing
    assertThat(conflicts.get()).isPositive();
  }
}
