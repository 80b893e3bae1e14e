package dev.keelson.store.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.LeaseGrantRequest;
import dev.keelson.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.store.raft.proto.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The change log that watches read, and the replicated lease table, on a real RocksDB. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChangeLogAndLeaseTest {
  @TempDir Path dir;
  private long index;
  private final List<RevisionEvents> published = new ArrayList<>();

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private MvccStore.Applied apply(MvccStore s, Command.Builder c) {
    MvccStore.Applied a = s.apply(1, ++index, c.build());
    if (a.changes() != null) {
      published.add(a.changes());
    }
    return a;
  }

  private MvccStore.Applied put(MvccStore s, String key, String value, long lease) {
    return apply(s, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key))
        .setValue(b(value)).setLease(lease)));
  }

  @Test
  void changeLogReadBackEqualsTheEventsApplyPublished() {
    try (MvccStore s = MvccStore.open(dir)) {
      put(s, "a", "1", 0);
      put(s, "b", "1", 0);
      put(s, "a", "2", 0);
      apply(s, Command.newBuilder().setTxn(TxnRequest.newBuilder()
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
              .setKey(b("c")).setValue(b("3"))))
          .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
              .setKey(b("a"))))));
      apply(s, Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
          .setKey(b("a")).setRangeEnd(b("z"))));

      assertThat(s.readEvents(2, 1000)).containsExactlyElementsOf(published);
      RevisionEvents txn = published.get(3);
      assertThat(txn.revision()).isEqualTo(5);
      assertThat(txn.events()).extracting(Event::getType)
          .containsExactly(Event.EventType.PUT, Event.EventType.DELETE);
      Event del = txn.events().get(1);
      assertThat(del.getKv().getModRevision()).isEqualTo(5);
      assertThat(del.getKv().getCreateRevision()).isZero();
      assertThat(del.getPrevKv().getValue()).isEqualTo(b("2"));
      assertThat(published.get(4).events()).hasSize(2); // b and c deleted in one revision
    }
  }

  @Test
  void changeLogReadsStopAtWholeRevisionsAndRefuseCompactedStarts() {
    try (MvccStore s = MvccStore.open(dir)) {
      for (int i = 0; i < 5; i++) {
        put(s, "k" + i, "v", 0);
      }
      apply(s, Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
          .setKey(b("k")).setRangeEnd(b("l")))); // revision 7: five events
      assertThat(s.readEvents(6, 2)).extracting(RevisionEvents::revision).containsExactly(6L, 7L);
      assertThat(s.readEvents(8, 10)).isEmpty();

      apply(s, Command.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(7)));
      assertThatThrownBy(() -> s.readEvents(6, 10)).isInstanceOf(EtcdException.class)
          .hasMessageContaining("compacted");
      // physical compaction keeps the compaction revision's own events, deletes included
      Awaitility.await().atMost(10, TimeUnit.SECONDS)
          .until(() -> s.hashKv(0).getCompactRevision() == 7 && !s.readEvents(7, 10).isEmpty());
      List<RevisionEvents> at7 = s.readEvents(7, 10);
      assertThat(at7.get(0).events()).hasSize(5)
          .allMatch(e -> e.getType() == Event.EventType.DELETE);
    }
  }

  @Test
  void revokingALeaseDeletesItsKeysInOneRevisionAndForgetsMovedKeys() {
    try (MvccStore s = MvccStore.open(dir)) {
      apply(s, Command.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder().setID(7)
          .setTTL(5)));
      assertThat(s.leases()).containsExactly(new StoredLease(7, 5, index));
      put(s, "x", "1", 7);
      put(s, "y", "1", 7);
      put(s, "z", "1", 7);
      put(s, "z", "2", 0); // moved off the lease
      assertThat(s.leaseKeys(7)).extracting(ByteString::copyFrom)
          .containsExactly(b("x"), b("y"));

      long before = s.currentRevision();
      MvccStore.Applied revoked = apply(s, Command.newBuilder()
          .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(7)));
      assertThat(revoked.result().hasLeaseRevoke()).isTrue();
      assertThat(revoked.changes().revision()).isEqualTo(before + 1);
      assertThat(revoked.changes().events()).extracting(e -> e.getKv().getKey())
          .containsExactly(b("x"), b("y"));
      assertThat(s.leases()).isEmpty();
      assertThat(s.leaseKeys(7)).isEmpty();
      assertThat(s.range(RangeRequest.newBuilder().setKey(b("z")).build()).getKvs(0).getValue())
          .isEqualTo(b("2"));
    }
  }

  @Test
  void anExpiryDecidedBeforeARenewalIsRefusedAndOneAfterItRevokes() {
    try (MvccStore s = MvccStore.open(dir)) {
      apply(s, Command.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder().setID(3)
          .setTTL(5)));
      long grantedAt = index;
      put(s, "k", "v", 3);
      MvccStore.Applied renewed = apply(s, Command.newBuilder().setLeaseRenew(
          dev.keelson.etcd.etcdserverpb.LeaseKeepAliveRequest.newBuilder().setID(3)));
      assertThat(renewed.result().getLeaseRenew().getTTL()).isEqualTo(5);
      long renewedAt = index;

      MvccStore.Applied stale = apply(s, Command.newBuilder().setLeaseExpire(
          dev.keelson.store.raft.proto.LeaseExpire.newBuilder().setId(3)
              .setRenewedIndex(grantedAt)));
      assertThat(stale.result().getFailure().getError()).isEqualTo("LEASE_RENEWED");
      assertThat(s.leaseKeys(3)).hasSize(1);

      MvccStore.Applied expired = apply(s, Command.newBuilder().setLeaseExpire(
          dev.keelson.store.raft.proto.LeaseExpire.newBuilder().setId(3)
              .setRenewedIndex(renewedAt)));
      assertThat(expired.changes().events()).hasSize(1);
      assertThat(s.leases()).isEmpty();
      MvccStore.Applied again = apply(s, Command.newBuilder().setLeaseExpire(
          dev.keelson.store.raft.proto.LeaseExpire.newBuilder().setId(3)
              .setRenewedIndex(renewedAt)));
      assertThat(again.result().getFailure().getError()).isEqualTo("LEASE_NOT_FOUND");
      assertThat(again.changes()).isNull();
    }
  }

  @Test
  void leaseErrorsChangeNothing() {
    try (MvccStore s = MvccStore.open(dir)) {
      apply(s, Command.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder().setID(1)
          .setTTL(5)));
      assertThat(apply(s, Command.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder()
          .setID(1).setTTL(9))).result().getFailure().getError()).isEqualTo("LEASE_EXIST");
      assertThat(apply(s, Command.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder()
          .setID(2).setTTL(MvccStore.MAX_LEASE_TTL + 1))).result().getFailure().getError())
          .isEqualTo("LEASE_TTL_TOO_LARGE");
      assertThat(put(s, "k", "v", 99).result().getFailure().getError())
          .isEqualTo("LEASE_NOT_FOUND");
      assertThat(apply(s, Command.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder()
          .setID(99))).result().getFailure().getError()).isEqualTo("LEASE_NOT_FOUND");
      assertThat(s.leases()).extracting(StoredLease::id, StoredLease::ttl)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 5L));
      assertThat(s.currentRevision()).isEqualTo(1);
      assertThat(published).isEmpty();
    }
  }
}
