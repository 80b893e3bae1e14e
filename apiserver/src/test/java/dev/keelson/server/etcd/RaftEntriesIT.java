package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a write costs in Raft entries, read from the Raft index etcd's Status reports: writes
 * that come one at a time take one entry each. With Ratis' commit-index metadata entries on,
 * each of them took two.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
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

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).build();
  }
}
