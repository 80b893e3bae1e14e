package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.server.testing.Etcdctl;
import dev.keelson.server.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock etcdctl 3.4 {@code watch} against a three-master Keelson cluster: the watching etcdctl
 * talks to one master, the writing one to another. etcdctl prints each event as its type, then
 * (with --prev-kv) the previous key and value, then the key and value, one per line.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdctlWatchIT {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static Etcdctl writer;
  static Etcdctl watcherSide;

  @BeforeAll
  static void startCluster() throws Exception {
    if (!Etcdctl.available()) {
      System.out.println("SKIP EtcdctlWatchIT: " + Etcdctl.BINARY
          + " not found (apt-get install etcd-client)");
    }
    Assumptions.assumeTrue(Etcdctl.available(), "etcdctl 3.4 is not installed");
    cluster = LocalCluster.start(dir);
    cluster.awaitLeader(Duration.ofSeconds(30));
    writer = cluster.etcdctl(cluster.endpoint(0));
    watcherSide = cluster.etcdctl(cluster.endpoint(2));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void awaitOutput(Etcdctl.Background w, List<String> expected) {
    await("etcdctl watch prints " + expected).atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(w.out()).as("stderr: %s", w.err())
            .containsExactlyElementsOf(expected));
  }

  /** The current revision, by a linearizable read. */
  private static long revision() {
    return cluster.client(0).kv().range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("none")).build()).getHeader().getRevision();
  }

  @Test
  void watchOnAKeyPrintsItsPutsAndDeletesOnly() {
    try (Etcdctl.Background w = watcherSide.start("watch", "--rev=" + next(), "wk/a")) {
      writer.run("put", "wk/a", "1").ok();
      writer.run("put", "wk/b", "other key").ok();
      writer.run("put", "wk/a", "2").ok();
      writer.run("del", "wk/a").ok();
      awaitOutput(w, List.of("PUT", "wk/a", "1", "PUT", "wk/a", "2", "DELETE", "wk/a", ""));
    }
  }

  @Test
  void prefixWatchWithPrevKvPrintsThePreviousValueFirst() {
    writer.run("put", "wp/x", "old").ok();
    try (Etcdctl.Background w = watcherSide.start("watch", "--rev=" + next(), "--prefix",
        "--prev-kv", "wp/")) {
      writer.run("put", "wp/x", "new").ok();
      writer.run("put", "wp/y", "first").ok();
      writer.run("put", "wq/z", "outside").ok();
      writer.run("del", "wp/", "--prefix").ok();
      awaitOutput(w, List.of(
          "PUT", "wp/x", "old", "wp/x", "new",
          "PUT", "wp/y", "first",
          "DELETE", "wp/x", "new", "wp/x", "",
          "DELETE", "wp/y", "first", "wp/y", ""));
    }
  }

  @Test
  void watchFromAPastRevisionReplaysHistoryThenGoesLive() {
    long from = next();
    writer.run("put", "wr/k", "a").ok();
    writer.run("put", "wr/k", "b").ok();
    try (Etcdctl.Background w = watcherSide.start("watch", "--rev=" + from, "wr/k")) {
      awaitOutput(w, List.of("PUT", "wr/k", "a", "PUT", "wr/k", "b"));
      writer.run("put", "wr/k", "c").ok();
      awaitOutput(w, List.of("PUT", "wr/k", "a", "PUT", "wr/k", "b", "PUT", "wr/k", "c"));
    }
  }

  @Test
  void interactiveWatchesShareAStreamAnswerProgressAndEndWithTheSession() {
    long from = next();
    var hub = cluster.master(2).watchHub();
    // earlier tests' etcdctl processes are gone; their streams end asynchronously
    await("no watches left on m3").atMost(Duration.ofSeconds(20))
        .until(() -> hub.syncedCount() + hub.unsyncedCount() == 0);
    int before = 0;
    try (Etcdctl.Background w = watcherSide.start("watch", "-i")) {
      w.writeLine("watch --rev=" + from + " wi/a");
      w.writeLine("watch --rev=" + from + " wi/ --prefix");
      writer.run("put", "wi/a", "1").ok();
      writer.run("put", "wi/b", "2").ok();
      await("both watches print wi/a, the prefix one wi/b").atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(w.out()).as("stderr %s", w.err())
              .containsExactlyInAnyOrder("PUT", "wi/a", "1", "PUT", "wi/a", "1",
                  "PUT", "wi/b", "2"));
      long rev = revision(); // both watches have printed their events: both are created
      w.writeLine("progress");
      // the progress response goes to every watch of the stream: one line each
      await("progress notifications").atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(w.out().stream()
              .filter(l -> l.startsWith("progress notify:")).toList())
              .containsExactly("progress notify: " + rev, "progress notify: " + rev));
      assertThat(hub.syncedCount() + hub.unsyncedCount()).isEqualTo(before + 2);
      // etcdctl 3.4's interactive mode knows only "watch" and "progress" (no cancel command):
      // its watches end when the session does, and the server must drop them then
      w.closeInput();
      await("etcdctl exits at the end of its input").atMost(Duration.ofSeconds(20))
          .until(() -> !w.isAlive());
      await("m3 dropped the session's watches").atMost(Duration.ofSeconds(20))
          .until(() -> hub.syncedCount() + hub.unsyncedCount() == before);
    }
  }

  @Test
  void watchFromACompactedRevisionIsCanceledWithTheCompactionError() {
    long from = next();
    writer.run("put", "wc/k", "1").ok();
    writer.run("put", "wc/k", "2").ok();
    long compactAt = revision();
    writer.run("compact", Long.toString(compactAt)).ok();
    // the watch goes to m3: let it apply the compaction (m1 acknowledged it for itself)
    await("m3 applied the compaction").atMost(Duration.ofSeconds(20))
        .until(() -> cluster.client(2).maintenance().hashKV(
            dev.keelson.etcd.etcdserverpb.HashKVRequest.getDefaultInstance())
            .getCompactRevision() >= compactAt);
    try (Etcdctl.Background w = watcherSide.start("watch", "--rev=" + from, "wc/k")) {
      await("etcdctl exits").atMost(Duration.ofSeconds(20)).until(() -> !w.isAlive());
      assertThat(w.err()).anySatisfy(l -> assertThat(l).contains(
          "watch was canceled (etcdserver: mvcc: required revision has been compacted)"));
      assertThat(w.out()).isEmpty();
      assertThat(w.exitValue()).isNotZero();
    }
  }

  /**
   * The revision the test's next write gets. etcdctl prints nothing when a watch is created, so
   * every watch starts there: what it prints does not depend on when it was registered.
   */
  private static long next() {
    return revision() + 1;
  }
}
