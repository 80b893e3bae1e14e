package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.server.testing.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three masters as separate JVMs under a steady write load; the leader is SIGKILLed mid-load.
 * Every write a client saw acknowledged must survive, with the revision it was acknowledged at,
 * on every master, the killed one included once it is back; and the three must hash alike.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DurabilityIT {
  private static final int WRITERS = 3;
  private static final int ACKED_BEFORE_KILL = 300;
  private static final int ACKED_AFTER_FAILOVER = 200;

  @TempDir Path dir;
  private ProcessCluster cluster;
  private ExecutorService pool;

  /** A put whose response came back: the key now holds value, written at revision. */
  private record Ack(String key, String value, long revision) {}

  /** One writer's sequence of acknowledged puts, in the order it issued them. */
  private final List<ConcurrentLinkedQueue<Ack>> acked = new ArrayList<>();
  private final AtomicInteger ackedCount = new AtomicInteger();
  private final AtomicInteger unknownCount = new AtomicInteger();
  private final AtomicBoolean writing = new AtomicBoolean(true);

  @AfterEach
  void tearDown() throws Exception {
    writing.set(false);
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(20, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void killedLeaderLosesNoAcknowledgedWrite() throws Exception {
    // snapshots during the load: the killed master restarts from a snapshot plus its log
    cluster = ProcessCluster.start(dir, List.of("--snapshot-count", "250"));
    cluster.runShowingLogsOnFailure(() -> run());
  }

  private void run() throws Exception {
    cluster.awaitLeader(Duration.ofSeconds(60));

    pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      ConcurrentLinkedQueue<Ack> mine = new ConcurrentLinkedQueue<>();
      acked.add(mine);
      int writer = w;
      writers.add(pool.submit(() -> write(writer, mine)));
    }

    await("acknowledged writes before the kill").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ackedCount.get() >= ACKED_BEFORE_KILL);

    int oldLeader = cluster.awaitLeader(Duration.ofSeconds(20));
    long oldTerm = cluster.client(oldLeader).status().getRaftTerm();
    cluster.kill(oldLeader);
    long killedAt = System.nanoTime();
    int ackedAtKill = ackedCount.get();

    int newLeader = cluster.awaitLeader(Duration.ofSeconds(30));
    long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    assertThat(cluster.client(newLeader).status().getRaftTerm())
        .as("term of m%d, leading after m%d was killed", newLeader + 1, oldLeader + 1)
        .isGreaterThan(oldTerm);

    int ackedAtNewLeader = ackedCount.get();
    await("acknowledged writes after the new leader took over").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ackedCount.get() >= ackedAtNewLeader + ACKED_AFTER_FAILOVER);

    writing.set(false);
    for (Future<?> f : writers) {
      f.get(30, TimeUnit.SECONDS);
    }
    System.out.printf("DurabilityIT: %d acknowledged (%d before the kill), %d unknown; "
            + "killed leader m%d, new leader m%d after %d ms%n", ackedCount.get(), ackedAtKill,
        unknownCount.get(), oldLeader + 1, newLeader + 1, failoverMs);

    List<Ack> all = new ArrayList<>();
    for (ConcurrentLinkedQueue<Ack> mine : acked) {
      List<Long> revs = mine.stream().map(Ack::revision).toList();
      assertThat(revs).as("one writer's acknowledged revisions").isSorted().doesNotHaveDuplicates();
      all.addAll(mine);
    }
    assertThat(all).hasSize(ackedCount.get());
    assertThat(all.stream().map(Ack::revision).toList())
        .as("revisions of all acknowledged writes").doesNotHaveDuplicates();
    long maxAcked = all.stream().mapToLong(Ack::revision).max().orElseThrow();

    cluster.start(oldLeader);

    long revision = cluster.awaitSameRevision(maxAcked);
    for (int i = 0; i < cluster.size(); i++) {
      Map<String, KeyValue> kvs = readAll(i);
      for (Ack a : all) {
        KeyValue kv = kvs.get(a.key());
        assertThat(kv).as("m%d has acknowledged %s", i + 1, a.key()).isNotNull();
        assertThat(kv.getValue().toStringUtf8()).as("value of %s on m%d", a.key(), i + 1)
            .isEqualTo(a.value());
        assertThat(kv.getModRevision()).as("mod_revision of %s on m%d", a.key(), i + 1)
            .isEqualTo(a.revision());
      }
    }

    await("the same HashKV at revision " + revision + " on every master")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(cluster.hashesAt(revision)).hasSize(1));
  }

  /** One writer: unique keys, unique values, round-robin over the running masters. */
  private void write(int writer, ConcurrentLinkedQueue<Ack> mine) {
    for (int n = 0; writing.get(); n++) {
      int target = (writer + n) % cluster.size();
      if (!cluster.isRunning(target)) {
        continue;
      }
      String key = "w" + writer + "-" + n;
      String value = "value of " + key + " @" + System.nanoTime();
      try {
        long rev = cluster.client(target).kv().withDeadlineAfter(5, TimeUnit.SECONDS)
            .put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build())
            .getHeader().getRevision();
        mine.add(new Ack(key, value, rev));
        ackedCount.incrementAndGet();
      } catch (RuntimeException e) {
        unknownCount.incrementAndGet(); // may or may not have been applied
      }
    }
  }

  /** Every key under "w" on master i, by a serializable (local) read. */
  private Map<String, KeyValue> readAll(int i) {
    List<KeyValue> kvs = cluster.client(i).kv().range(RangeRequest.newBuilder()
        .setKey(utf8("w")).setRangeEnd(utf8("x")).setSerializable(true).build()).getKvsList();
    Map<String, KeyValue> out = new HashMap<>();
    kvs.forEach(kv -> out.put(kv.getKey().toStringUtf8(), kv));
    return out;
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
