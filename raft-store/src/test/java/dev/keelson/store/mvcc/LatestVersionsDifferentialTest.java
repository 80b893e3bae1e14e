package dev.keelson.store.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.LeaseGrantRequest;
import dev.keelson.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.store.raft.proto.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The newest-version cache changes nothing but speed: the same random entries (puts with and
 * without leases, prev_kv and ignore_value, single-key and range deletes, transactions with
 * compares, lease grants and revocations, compactions; several commands per entry) applied to
 * a store without the cache, one whose tiny budget evicts all the time, and one with the
 * default budget that is also restarted midway give the same results, the same events and the
 * same final state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LatestVersionsDifferentialTest {
  private static final int KEYS = 24;
  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void theSameEntriesGiveTheSameResultsWithAndWithoutTheCache(long seed) {
    Random random = new Random(seed);
    MvccStore plain = MvccStore.open(dir.resolve("plain"), 0);
    MvccStore tiny = MvccStore.open(dir.resolve("tiny"), 1_500);
    MvccStore cached = MvccStore.open(dir.resolve("cached"), 32L << 20);
    try {
      long index = 0;
      for (int entry = 0; entry < 600; entry++) {
        List<Command> cmds = new ArrayList<>();
        int n = 1 + random.nextInt(random.nextInt(4) == 0 ? 8 : 2);
        for (int i = 0; i < n; i++) {
          cmds.add(command(random, plain.currentRevision()));
        }
        index++;
        var expected = plain.applyAll(1, index, cmds);
        for (MvccStore other : List.of(tiny, cached)) {
          var got = other.applyAll(1, index, cmds);
          assertThat(got).as("entry %d (%s)", entry, cmds).hasSameSizeAs(expected);
          for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).result()).as("entry %d, command %d: %s", entry, i, cmds.get(i))
                .isEqualTo(expected.get(i).result());
            assertThat(got.get(i).changes()).as("events of entry %d, command %d", entry, i)
                .isEqualTo(expected.get(i).changes());
          }
        }
        if (entry == 300) {
          cached.close(); // a restart forgets what was remembered
          cached = MvccStore.open(dir.resolve("cached"), 32L << 20);
        }
      }
      assertThat(all(tiny)).isEqualTo(all(plain));
      assertThat(all(cached)).isEqualTo(all(plain));
      assertThat(tiny.hashKv(0)).isEqualTo(plain.hashKv(0));
      assertThat(cached.hashKv(0)).isEqualTo(plain.hashKv(0));
    } finally {
      plain.close();
      tiny.close();
      cached.close();
    }
  }

  @Test
  void theRandomEntriesReachEveryKindOfOutcome() {
    // guards the test above against a generator that stopped producing what it is meant to
    Random random = new Random(1);
    try (MvccStore s = MvccStore.open(dir.resolve("s"), 1_500)) {
      int failures = 0;
      int deletes = 0;
      int withPrev = 0;
      for (long index = 1; index <= 600; index++) {
        for (var a : s.applyAll(1, index, List.of(command(random, s.currentRevision())))) {
          if (a.result().hasFailure()) {
            failures++;
          }
          if (a.changes() != null) {
            for (var e : a.changes().events()) {
              deletes += e.getType() == dev.keelson.etcd.mvccpb.Event.EventType.DELETE ? 1 : 0;
              withPrev += e.hasPrevKv() ? 1 : 0;
            }
          }
        }
      }
      assertThat(failures).isGreaterThan(10);
      assertThat(deletes).isGreaterThan(10);
      assertThat(withPrev).isGreaterThan(100);
    }
  }

  private static ByteString key(Random r) {
    return ByteString.copyFromUtf8("k" + (char) ('a' + r.nextInt(KEYS)));
  }

  private static Command command(Random r, long currentRev) {
    int kind = r.nextInt(100);
    if (kind < 45) {
      return Command.newBuilder().setPut(put(r)).build();
    }
    if (kind < 55) {
      DeleteRangeRequest.Builder d = DeleteRangeRequest.newBuilder().setKey(key(r))
          .setPrevKv(r.nextBoolean());
      if (r.nextInt(3) == 0) {
        d.setRangeEnd(key(r));
      }
      return Command.newBuilder().setDeleteRange(d).build();
    }
    if (kind < 80) {
      Compare.Builder c = Compare.newBuilder().setKey(key(r));
      switch (r.nextInt(3)) {
        case 0 -> c.setTarget(Compare.CompareTarget.VALUE).setResult(Compare.CompareResult.EQUAL)
            .setValue(ByteString.copyFromUtf8("v" + r.nextInt(3)));
        case 1 -> c.setTarget(Compare.CompareTarget.VERSION)
            .setResult(Compare.CompareResult.GREATER).setVersion(r.nextInt(3));
        default -> c.setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0);
      }
      TxnRequest.Builder t = TxnRequest.newBuilder().addCompare(c)
          .addSuccess(RequestOp.newBuilder().setRequestPut(put(r)))
          .addFailure(RequestOp.newBuilder().setRequestDeleteRange(
              DeleteRangeRequest.newBuilder().setKey(key(r)).setPrevKv(true)));
      if (r.nextBoolean()) {
        t.addSuccess(RequestOp.newBuilder().setRequestPut(put(r)))
            .addSuccess(RequestOp.newBuilder().setRequestRange(
                RangeRequest.newBuilder().setKey(key(r))));
      }
      return Command.newBuilder().setTxn(t).build();
    }
    if (kind < 88) {
      return Command.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder()
          .setID(1 + r.nextInt(4)).setTTL(60)).build();
    }
    if (kind < 96) {
      return Command.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder()
          .setID(1 + r.nextInt(4))).build();
    }
    return Command.newBuilder().setCompaction(CompactionRequest.newBuilder()
        .setRevision(Math.max(1, currentRev - r.nextInt(20)))).build();
  }

  private static PutRequest put(Random r) {
    PutRequest.Builder p = PutRequest.newBuilder().setKey(key(r))
        .setValue(ByteString.copyFromUtf8("v" + r.nextInt(3) + "-" + "x".repeat(r.nextInt(300))))
        .setPrevKv(r.nextBoolean());
    if (r.nextInt(3) == 0) {
      p.setLease(r.nextInt(6)); // 5 never exists: LEASE_NOT_FOUND
    }
    if (r.nextInt(10) == 0) {
      p.setIgnoreValue(true); // KEY_NOT_FOUND when the key is gone
    }
    return p.build();
  }

  private static Object all(MvccStore s) {
    return s.range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
        .setRangeEnd(ByteString.copyFrom(new byte[] {0})).build()).getKvsList();
  }
}
