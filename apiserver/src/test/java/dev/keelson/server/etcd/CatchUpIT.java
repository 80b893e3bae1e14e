package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.server.testing.ProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that was down while the others snapshotted and purged their Raft logs past its
 * position can only catch up by installing the leader's snapshot; it must then hold exactly
 * what the others hold.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CatchUpIT {
  private static final int PUTS = 1500;
  private static final int WRITERS = 3;
  /** Ratis log segment files: log_START-END (closed) and log_inprogress_START (open). */
  private static final Pattern SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");
  private static final String PADDING = "x".repeat(200);

  @TempDir Path dir;
  private ProcessCluster cluster;
  private ExecutorService pool;

  @AfterEach
  void tearDown() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(20, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void followerBehindPurgedLogCatchesUpByInstallingSnapshot() throws Exception {
    cluster = ProcessCluster.start(dir, List.of("--snapshot-count", "100",
        "--snapshot-catchup-entries", "10", "--log-segment-bytes", "65536"));
    cluster.runShowingLogsOnFailure(() -> run());
  }

  private void run() throws Exception {
    int leader = cluster.awaitLeader(Duration.ofSeconds(60));
    int follower = (leader + 1) % cluster.size();

    Map<String, Long> acked = new ConcurrentHashMap<>();
    for (int n = 0; n < 20; n++) {
      acked.put(key("early", n), put(leader, key("early", n)));
    }
    long early = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    await("m" + (follower + 1) + " applied the early writes").atMost(Duration.ofSeconds(30))
        .until(() -> cluster.client(follower).status().getHeader().getRevision() >= early);
    long followerIndex = cluster.client(follower).status().getRaftIndex();
    cluster.stop(follower);

    long started = System.nanoTime();
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (i != follower) {
        running.add(i);
      }
    }
    pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(pool.submit(() -> {
        for (int n = writer; n < PUTS; n += WRITERS) {
          String k = key("k", n);
          acked.put(k, put(running.get(n % running.size()), k));
        }
        return null;
      }));
    }
    for (Future<?> f : writers) {
      f.get(90, TimeUnit.SECONDS);
    }
    long lastAcked = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    System.out.printf("CatchUpIT: %d puts in %d ms while m%d was down at raft index %d%n",
        PUTS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), follower + 1,
        followerIndex);

    // the premise: nobody still holds the log entries the stopped follower needs next
    for (int i : running) {
      int m = i;
      await("m" + (m + 1) + " purged its Raft log past index " + followerIndex)
          .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> firstLogIndex(m), first -> first > followerIndex + 1);
    }

    cluster.start(follower);
    await("m" + (follower + 1) + " loads a snapshot installed from the leader")
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> Files.readString(cluster.logOf(follower)).contains("loading installed snapshot"));

    long revision = cluster.awaitSameRevision(lastAcked);
    await("the same HashKV at revision " + revision + " on every master")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(cluster.hashesAt(revision)).hasSize(1));

    List<String> sample = new ArrayList<>();
    for (int n = 0; n < 20; n += 5) {
      sample.add(key("early", n));
    }
    for (int n = 0; n < PUTS; n += 97) {
      sample.add(key("k", n));
    }
    sample.add(key("k", PUTS - 1));
    for (String k : sample) {
      RangeResponse r = cluster.client(follower).kv().range(RangeRequest.newBuilder()
          .setKey(utf8(k)).setSerializable(true).build());
      assertThat(r.getKvsList()).as("%s on m%d", k, follower + 1).hasSize(1);
      assertThat(r.getKvs(0).getValue().toStringUtf8()).isEqualTo(value(k));
      assertThat(r.getKvs(0).getModRevision()).as("mod_revision of %s", k).isEqualTo(acked.get(k));
    }

    // and it takes part in Raft again: a write through it reaches every master
    long after = put(follower, "after-catch-up");
    assertThat(after).isGreaterThan(revision);
    cluster.awaitSameRevision(after);
  }

  private long put(int master, String key) {
    return cluster.client(master).kv().put(PutRequest.newBuilder().setKey(utf8(key))
        .setValue(utf8(value(key))).build()).getHeader().getRevision();
  }

  private static String key(String prefix, int n) {
    return String.format("%s-%05d", prefix, n);
  }

  private static String value(String key) {
    return key + ":" + PADDING;
  }

  /** The lowest log index master i still has on disk. */
  private long firstLogIndex(int i) {
    try (Stream<Path> files = Files.walk(dir.resolve("m" + (i + 1)).resolve("raft"))) {
      return files.map(p -> SEGMENT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(1)))
          .min().orElse(Long.MAX_VALUE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
