package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd replies to a write once the member that took it has applied it, so that member's
 * serializable reads (and watches, and lease answers) already see the write. Keelson's
 * followers must too: the leader applies first and answers, the follower may not have yet.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReadYourWritesIT {
  @TempDir Path dir;

  @Test
  void aFollowerSeesItsOwnAcknowledgedWriteInASerializableRead() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir)) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(30));
      for (int f : new int[] {(leader + 1) % 3, (leader + 2) % 3}) {
        EtcdClient c = cluster.client(f);
        for (int n = 0; n < 200; n++) {
          ByteString key = ByteString.copyFromUtf8("ryw/" + f + "/" + n);
          long rev = c.kv().put(PutRequest.newBuilder().setKey(key)
              .setValue(ByteString.copyFromUtf8("v" + n)).build()).getHeader().getRevision();
          RangeResponse r = c.kv().range(RangeRequest.newBuilder().setKey(key)
              .setSerializable(true).build());
          assertThat(r.getHeader().getRevision()).as("m%d's revision after its put #%d",
              f + 1, n).isGreaterThanOrEqualTo(rev);
          assertThat(r.getKvsList()).as("m%d reads its own put #%d", f + 1, n).hasSize(1);
        }
      }
    }
  }
}
