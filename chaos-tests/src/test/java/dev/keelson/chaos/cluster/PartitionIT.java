package dev.keelson.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real master processes on 127.0.0.11-13: isolating the leader with the harness's iptables
 * chain makes the other two elect a new one and leaves the old one unable to commit; healing
 * lets it catch up; and afterwards no rule, chain, cgroup or process is left.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PartitionIT {
  @TempDir Path dir;

  private static void put(ProcessCluster c, MasterProcess m, String key, String value) {
    KVGrpc.newBlockingStub(c.channel(m)).withDeadlineAfter(5, TimeUnit.SECONDS)
        .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
            .setValue(ByteString.copyFromUtf8(value)).build());
  }

  private static String get(ProcessCluster c, MasterProcess m, String key) {
    var kvs = KVGrpc.newBlockingStub(c.channel(m)).withDeadlineAfter(5, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
            .setSerializable(true).build()).getKvsList();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().toStringUtf8();
  }

  @Test
  void anIsolatedLeaderIsReplacedAndCatchesUpWhenHealedAndNothingIsLeftBehind() {
    assumeTrue(TestEnv.usable());
    Net net = Net.create();
    List<Long> pids;
    try (ProcessCluster c = new ProcessCluster(dir, TestEnv.jar(), List.of("-Xmx256m",
        "-XX:TieredStopAtLevel=1"), "partition-it")) {
      net.install();
      c.startAll();
      // the first write is retried on whoever leads then: in one clean-clone CI run a put sent
      // right after the election timed out after 5 s (the run kept no master logs, so the
      // cause is not known; a second election while three JVMs start is the likely one)
      MasterProcess old = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> {
            MasterProcess l = c.awaitLeader(Duration.ofSeconds(60));
            put(c, l, "k", "before");
            return l;
          }, Objects::nonNull);
      Set<MasterProcess> rest = new HashSet<>(c.masters());
      rest.remove(old);
      net.partition(List.of(Set.of(old), rest));
      assertThat(net.rules()).hasSize(4);

      // the majority side elects a leader; as with the first write, a put sent right after an
      // election is retried on whoever leads then (a clean-clone CI run saw one time out at 5 s
      // while the whole suite loaded the machine)
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> {
            MasterProcess l = rest.stream().filter(m -> c.leader().filter(m::equals)
                .isPresent()).findFirst().orElseThrow();
            put(c, l, "k", "during");
            return l;
          }, Objects::nonNull);
      assertThat(get(c, old, "k")).isEqualTo("before"); // cut off: it cannot have seen it

      net.heal();
      assertThat(net.rules()).isEmpty();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(get(c, old, "k")).isEqualTo("during"));
      pids = c.masters().stream().map(MasterProcess::pid).toList();
    } finally {
      net.remove();
    }
    assertThat(Net.leftOver()).isFalse();
    assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)
        .map(ProcessHandle::isAlive).orElse(false)).isFalse());
    assertThat(Net.Cgroups.root().orElseThrow().resolve("keelson-chaos/partition-it/m1"))
        .doesNotExist();
  }
}
