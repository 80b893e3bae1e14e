package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a write costs in Raft entries, and how soon a follower learns it committed. Ratis'
 * leader used to append a metadata entry for each new commit index, so that writes coming one
 * at a time took two entries each; the leader now tells followers of a commit by a heartbeat
 * at once ({@code CommitNotice}), and a follower answering a write it forwarded must not wait
 * for the leader's next regular heartbeat to learn of the commit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RaftEntriesIT {
  @TempDir Path dir;

  @Test
  void sequentialPutsTakeOneRaftEntryEach() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir)) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(30));
      EtcdClient c = cluster.client(leader);
      c.kv().put(put("entries/first")); // the cluster's start-up entries are behind us
      long before = c.status().getRaftIndex();
      int puts = 100;
      for (int n = 0; n < puts; n++) {
        c.kv().put(put("entries/" + n));
      }
      long entries = c.status().getRaftIndex() - before;
      // a few entries of the masters' own (a lease check, a compaction) may fall in between
      assertThat(entries).as("Raft entries for %d sequential puts", puts)
          .isBetween((long) puts, puts + 10L);
    }
  }

  /**
   * Regular heartbeats every 2.5 s here (half the minimum election timeout): 20 writes through
   * a follower, each waiting for the next one to learn of its commit, would take about 25 s.
   */
  @Test
  void aFollowerAnswersWritesWithoutWaitingForHeartbeats() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir, c -> c.withElectionTimeouts(5000, 6000))) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(60));
      int follower = (leader + 1) % 3;
      EtcdClient c = cluster.client(follower);
      c.kv().put(put("notice/first")); // the follower's Ratis client has found the leader
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        for (int n = 0; n < 20; n++) {
          PutRequest put = put("notice/" + n);
          c.kv().put(put);
          assertThat(c.kv().range(RangeRequest.newBuilder().setKey(put.getKey())
              .setSerializable(true).build()).getKvsList())
              .as("the follower reads its own put #%d", n).hasSize(1);
        }
      }, "20 sequential puts through a follower, each answered once the follower applied it");
    }
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).build();
  }
}
