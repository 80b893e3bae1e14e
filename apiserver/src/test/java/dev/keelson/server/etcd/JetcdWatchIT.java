package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keelson.server.testing.Jetcd;
import dev.keelson.server.testing.LocalCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The official Java etcd client, jetcd, watching a three-master Keelson cluster. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JetcdWatchIT {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static Client writer;
  static Client watcher;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir);
    cluster.awaitLeader(Duration.ofSeconds(30));
    writer = Jetcd.client(cluster, List.of(cluster.endpoint(0)));
    watcher = Jetcd.client(cluster, List.of(cluster.endpoint(1)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (writer != null) {
      writer.close();
      watcher.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static long put(String key, String value) throws Exception {
    return writer.getKVClient().put(bs(key), bs(value)).get(10, TimeUnit.SECONDS)
        .getHeader().getRevision();
  }

  /** Responses of one watch, and its error. */
  static final class Recorder {
    final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final Watch.Listener listener = Watch.listener(responses::add, error::set);

    List<WatchEvent> events() {
      return responses.stream().flatMap(r -> r.getEvents().stream()).toList();
    }

    boolean created() {
      return responses.stream().anyMatch(WatchResponse::isCreatedNotify);
    }
  }

  @Test
  void prefixWatchWithPrevKvDeliversPutsAndDeletesAtTheirRevisions() throws Exception {
    Recorder r = new Recorder();
    try (Watch.Watcher w = watcher.getWatchClient().watch(bs("jw/"), WatchOption.builder()
        .isPrefix(true).withPrevKV(true).withCreateNotify(true).build(), r.listener)) {
      await("created").atMost(Duration.ofSeconds(20)).until(r::created);
      long r1 = put("jw/a", "1");
      long r2 = put("jw/a", "2");
      put("jx/outside", "x");
      long r3 = writer.getKVClient().delete(bs("jw/a")).get(10, TimeUnit.SECONDS)
          .getHeader().getRevision();
      await("three events").atMost(Duration.ofSeconds(20))
          .until(() -> r.events().size() >= 3);
      List<WatchEvent> e = r.events();
      assertThat(e).extracting(WatchEvent::getEventType).containsExactly(
          WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE);
      assertThat(e).extracting(x -> x.getKeyValue().getModRevision())
          .containsExactly(r1, r2, r3);
      assertThat(e.get(1).getPrevKV().getValue()).isEqualTo(bs("1"));
      assertThat(e.get(2).getPrevKV().getValue()).isEqualTo(bs("2"));
      assertThat(e.get(0).getKeyValue().getVersion()).isEqualTo(1);
      assertThat(r.error.get()).isNull();
    }
  }

  @Test
  void closingAWatcherCancelsItOnTheServer() throws Exception {
    var hub = cluster.master(1).watchHub();
    int before = hub.syncedCount() + hub.unsyncedCount();
    Recorder r = new Recorder();
    Watch.Watcher w = watcher.getWatchClient().watch(bs("jcancel/k"), WatchOption.builder()
        .withCreateNotify(true).build(), r.listener);
    await("created").atMost(Duration.ofSeconds(20)).until(r::created);
    assertThat(hub.syncedCount() + hub.unsyncedCount()).isEqualTo(before + 1);
    w.close(); // jetcd sends a WatchCancelRequest
    await("the watcher is gone from m2's hub").atMost(Duration.ofSeconds(20))
        .until(() -> hub.syncedCount() + hub.unsyncedCount() == before);
  }

  @Test
  void noPutFilterDeliversOnlyDeletes() throws Exception {
    Recorder r = new Recorder();
    long from = put("jf/k", "1");
    long deleted = writer.getKVClient().delete(bs("jf/k")).get(10, TimeUnit.SECONDS)
        .getHeader().getRevision();
    long again = put("jf/k", "2");
    long deletedAgain = writer.getKVClient().delete(bs("jf/k")).get(10, TimeUnit.SECONDS)
        .getHeader().getRevision();
    try (Watch.Watcher w = watcher.getWatchClient().watch(bs("jf/k"), WatchOption.builder()
        .withRevision(from).withNoPut(true).build(), r.listener)) {
      await("two deletes").atMost(Duration.ofSeconds(20)).until(() -> r.events().size() >= 2);
      assertThat(r.events()).extracting(x -> x.getKeyValue().getModRevision())
          .containsExactly(deleted, deletedAgain);
      assertThat(again).isBetween(deleted, deletedAgain);
    }
  }

  @Test
  void watchFromACompactedRevisionFailsWithTheCompactionRevision() throws Exception {
    long from = put("jc/k", "1");
    long compactAt = put("jc/k", "2");
    writer.getKVClient().compact(compactAt).get(10, TimeUnit.SECONDS);
    // the watch goes to m2: let it apply the compaction (m1 acknowledged it for itself)
    await("m2 applied the compaction").atMost(Duration.ofSeconds(20))
        .until(() -> cluster.client(1).maintenance().hashKV(
            dev.keelson.etcd.etcdserverpb.HashKVRequest.getDefaultInstance())
            .getCompactRevision() >= compactAt);
    Recorder r = new Recorder();
    try (Watch.Watcher w = watcher.getWatchClient().watch(bs("jc/k"), WatchOption.builder()
        .withRevision(from).build(), r.listener)) {
      await("compaction error").atMost(Duration.ofSeconds(20))
          .until(() -> r.error.get() != null);
      assertThat(r.error.get()).isInstanceOf(CompactedException.class);
      assertThat(((CompactedException) r.error.get()).getCompactedRevision())
          .isEqualTo(compactAt);
      assertThat(r.events()).isEmpty();
    }
  }

  @Test
  void progressRequestReportsTheCurrentRevision() throws Exception {
    Recorder r = new Recorder();
    try (Watch.Watcher w = watcher.getWatchClient().watch(bs("jp/k"), WatchOption.builder()
        .withCreateNotify(true).build(), r.listener)) {
      await("created").atMost(Duration.ofSeconds(20)).until(r::created);
      long rev = put("jp/other", "x");
      await("m2 applied revision " + rev).atMost(Duration.ofSeconds(20))
          .until(() -> cluster.client(1).status().getHeader().getRevision() >= rev);
      watcher.getWatchClient().requestProgress();
      await("progress notification").atMost(Duration.ofSeconds(20))
          .until(() -> r.responses.stream().anyMatch(WatchResponse::isProgressNotify));
      WatchResponse p = r.responses.stream().filter(WatchResponse::isProgressNotify)
          .findFirst().orElseThrow();
      assertThat(p.getHeader().getRevision()).isEqualTo(rev);
      assertThat(r.events()).isEmpty();
    }
  }
}
