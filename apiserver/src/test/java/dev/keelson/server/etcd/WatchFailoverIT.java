package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.server.testing.ProcessCluster;
import dev.keelson.server.testing.WatchStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watcher on master A receives events under a steady load of puts and multi-key
 * transactions; A (the leader) is SIGKILLed; the watcher resumes on master B from the revision
 * after the last one it received. What it received on A followed by what it received on B must
 * equal the change log of that range exactly — read back by a fresh watch on master C from the
 * first revision — with no gap, no duplicate, in order, and each transaction's events in one
 * response; and every write the load saw acknowledged must be in it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WatchFailoverIT {
  private static final ByteString PREFIX = utf8("f/");
  private static final int EVENTS_BEFORE_KILL = 150;
  private static final int ACKED_AFTER_KILL = 150;

  @TempDir Path dir;
  private ProcessCluster cluster;
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Long> ackedRevisions = new ConcurrentLinkedQueue<>();

  @AfterEach
  void tearDown() throws Exception {
    writing.set(false);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void resumesOnAnotherMasterWithoutGapOrDuplicate() throws Exception {
    cluster = ProcessCluster.start(dir, List.of());
    cluster.runShowingLogsOnFailure(() -> run());
  }

  private void run() throws Exception {
    int a = cluster.awaitLeader(Duration.ofSeconds(60));
    int b = (a + 1) % 3;
    int c = (a + 2) % 3;
    long first = cluster.client(c).status().getHeader().getRevision() + 1;

    Thread writer = new Thread(() -> write(c), "writer");
    writer.start();

    WatchStream onA = new WatchStream(cluster.client(a));
    onA.create(watchFrom(first));
    await("watch on m" + (a + 1) + " receives " + EVENTS_BEFORE_KILL + " events")
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> onA.events(0).size() >= EVENTS_BEFORE_KILL);

    cluster.kill(a);
    long killedAt = System.nanoTime();
    int ackedAtKill = ackedRevisions.size();
    await("the watch stream on the killed master ends").atMost(Duration.ofSeconds(20))
        .until(onA::ended);
    List<Event> beforeKill = onA.events(0);
    long resumeAt = onA.lastRevision(0) + 1;

    WatchStream onB = new WatchStream(cluster.client(b));
    onB.create(watchFrom(resumeAt));

    await("writes acknowledged after the kill").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ackedRevisions.size() >= ackedAtKill + ACKED_AFTER_KILL);
    writing.set(false);
    writer.join(TimeUnit.SECONDS.toMillis(30));
    long lastAcked = ackedRevisions.stream().mapToLong(Long::longValue).max().orElseThrow();

    await("resumed watch on m" + (b + 1) + " reaches revision " + lastAcked)
        .atMost(Duration.ofSeconds(30)).until(() -> onB.lastRevision(0) >= lastAcked);
    List<Event> received = new ArrayList<>(beforeKill);
    received.addAll(onB.events(0));

    WatchStream reference = new WatchStream(cluster.client(c));
    reference.create(watchFrom(first));
    long lastReceived = received.get(received.size() - 1).getKv().getModRevision();
    await("change log read back on m" + (c + 1)).atMost(Duration.ofSeconds(30))
        .until(() -> reference.lastRevision(0) >= lastReceived);
    List<Event> log = reference.events(0);

    System.out.printf("WatchFailoverIT: %d events from m%d before SIGKILL, %d from m%d after "
            + "resuming at revision %d (%.1f s after the kill), change log %d events over "
            + "revisions %d..%d, %d writes acknowledged%n", beforeKill.size(), a + 1,
        received.size() - beforeKill.size(), b + 1, resumeAt,
        (System.nanoTime() - killedAt) / 1e9, log.size(), first, lastReceived,
        ackedRevisions.size());

    assertThat(received.size()).as("events received, against the change log")
        .isEqualTo(log.size());
    for (int i = 0; i < log.size(); i++) {
      assertThat(received.get(i)).as("event #%d (revision %d)", i,
          log.get(i).getKv().getModRevision()).isEqualTo(log.get(i));
    }
    Set<Long> revisions = received.stream().map(e -> e.getKv().getModRevision())
        .collect(Collectors.toSet());
    assertThat(revisions).as("every acknowledged write is in the watched history")
        .containsAll(ackedRevisions);
    assertThat(onB.events(0).get(0).getKv().getModRevision()).isEqualTo(resumeAt);
  }

  private static WatchCreateRequest watchFrom(long revision) {
    return WatchCreateRequest.newBuilder().setKey(PREFIX).setRangeEnd(utf8("f0"))
        .setStartRevision(revision).setPrevKv(true).build();
  }

  /** Puts, and every fourth request a transaction of three puts and a delete. */
  private void write(int master) {
    for (int n = 0; writing.get(); n++) {
      try {
        long rev;
        if (n % 4 == 3) {
          TxnRequest.Builder t = TxnRequest.newBuilder();
          for (int k = 0; k < 3; k++) {
            t.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                .setKey(utf8("f/t" + ((n + k) % 40))).setValue(utf8("txn " + n))));
          }
          t.addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
              .newBuilder().setKey(utf8("f/" + ((n + 7) % 40)))));
          rev = cluster.client(master).kv().withDeadlineAfter(5, TimeUnit.SECONDS)
              .txn(t.build()).getHeader().getRevision();
        } else {
          rev = cluster.client(master).kv().withDeadlineAfter(5, TimeUnit.SECONDS)
              .put(PutRequest.newBuilder().setKey(utf8("f/" + (n % 40)))
                  .setValue(utf8("v" + n)).build()).getHeader().getRevision();
        }
        ackedRevisions.add(rev);
      } catch (RuntimeException e) {
        // unknown outcome while there is no leader; the history check covers it
      }
    }
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
