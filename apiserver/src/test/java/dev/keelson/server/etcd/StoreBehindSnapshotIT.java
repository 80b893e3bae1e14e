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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine crash can leave a master's RocksDB store behind the newest snapshot it took (the
 * store's WAL is not fsynced per write; Ratis' log is the durable record). Ratis replays only
 * the entries after that snapshot, so the master must start from the snapshot, not from the
 * stale store. Simulated by putting back an old copy of a stopped follower's store after it
 * snapshotted past it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StoreBehindSnapshotIT {
  @TempDir Path dir;
  private ProcessCluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void masterWhoseStoreFellBehindItsSnapshotStartsFromTheSnapshot() throws Exception {
    cluster = ProcessCluster.start(dir, List.of("--snapshot-count", "100"));
    cluster.runShowingLogsOnFailure(() -> run());
  }

  private void run() throws Exception {
    int leader = cluster.awaitLeader(Duration.ofSeconds(60));
    int f = (leader + 1) % cluster.size();
    Path store = dir.resolve("m" + (f + 1)).resolve("store");
    Path old = dir.resolve("old-store");

    long rev = 0;
    for (int n = 0; n < 30; n++) {
      rev = put(leader, "early-" + n);
    }
    long early = rev;
    await("m" + (f + 1) + " applied the early writes").atMost(Duration.ofSeconds(30))
        .until(() -> cluster.client(f).status().getHeader().getRevision() >= early);
    cluster.stop(f);
    copyTree(store, old);
    cluster.start(f);

    for (int n = 0; n < 400; n++) {
      rev = put(leader, "late-" + n);
    }
    long late = rev;
    // the restarted master may not be listening yet when the writes are done
    await("m" + (f + 1) + " applied the late writes").atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> cluster.client(f).status().getHeader().getRevision() >= late);
    cluster.stop(f);
    deleteTree(store);
    copyTree(old, store);
    cluster.start(f);

    long after = put(leader, "after");
    long same = cluster.awaitSameRevision(after);
    await("the same HashKV at revision " + same + " on every master")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(cluster.hashesAt(same)).hasSize(1));
    for (String k : List.of("early-0", "late-0", "late-250", "late-399", "after")) {
      RangeResponse r = cluster.client(f).kv().range(RangeRequest.newBuilder()
          .setKey(utf8(k)).setSerializable(true).build());
      assertThat(r.getKvsList()).as("%s on m%d", k, f + 1).hasSize(1);
    }
    assertThat(Files.readString(cluster.logOf(f))).as("m%d's log", f + 1)
        .contains("loading the snapshot");
  }

  private long put(int master, String key) {
    return cluster.client(master).kv().put(PutRequest.newBuilder().setKey(utf8(key))
        .setValue(utf8("value of " + key)).build()).getHeader().getRevision();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.delete(x);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
