package dev.keelson.store.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Result;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The MVCC store on a real RocksDB, driven the way the apply thread drives it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MvccStoreTest {
  @TempDir Path dir;
  private long index;

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private Result apply(MvccStore s, Command c) {
    return s.apply(1, ++index, c).result();
  }

  private Result put(MvccStore s, ByteString key, String value) {
    return apply(s, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(key)
        .setValue(b(value))).build());
  }

  private static RangeResponse all(MvccStore s, long rev) {
    return s.range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
        .setRangeEnd(ByteString.copyFrom(new byte[] {0})).setRevision(rev).build());
  }

  @Test
  void emptyStoreIsAtRevisionOneAndFirstPutIsRevisionTwo() {
    try (MvccStore s = MvccStore.open(dir)) {
      assertThat(s.currentRevision()).isEqualTo(1);
      assertThat(put(s, b("a"), "x").getPut().getHeader().getRevision()).isEqualTo(2);
    }
  }

  @Test
  void aCheckpointTellsWhichEntryItHoldsLastEvenWhenEntriesKeepComing() throws Exception {
    try (MvccStore s = MvccStore.open(dir.resolve("store"))) {
      for (int i = 0; i < 5; i++) {
        put(s, b("k" + i), "v");
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread applier = new Thread(() -> {
        while (!stop.get()) {
          put(s, b("more"), "v");
        }
      });
      long asked = s.appliedIndex();
      applier.start();
      try {
        s.checkpoint(dir.resolve("cp"));
      } finally {
        stop.set(true);
        applier.join();
      }
      MvccStore.AppliedPosition held = MvccStore.appliedOf(dir.resolve("cp"));
      assertThat(held.term()).isEqualTo(1);
      assertThat(held.index()).isBetween(asked, s.appliedIndex());
      try (MvccStore copy = MvccStore.open(dir.resolve("cp"))) {
        assertThat(copy.appliedIndex()).isEqualTo(held.index());
      }
    }
  }

  @Test
  void reopenedStoreKeepsItsRevisionAndSkipsEntriesAlreadyApplied() {
    Command c = Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("k"))
        .setValue(b("v"))).build();
    try (MvccStore s = MvccStore.open(dir)) {
      s.apply(1, 1, c);
      s.apply(1, 2, c);
    }
    try (MvccStore s = MvccStore.open(dir)) {
      assertThat(s.currentRevision()).isEqualTo(3);
      assertThat(s.appliedIndex()).isEqualTo(2);
      assertThat(s.apply(1, 2, c).result().hasFailure()).isTrue(); // a replayed entry is not re-applied
      assertThat(s.currentRevision()).isEqualTo(3);
      KeyValue kv = all(s, 0).getKvs(0);
      assertThat(kv.getVersion()).isEqualTo(2);
      assertThat(kv.getCreateRevision()).isEqualTo(2);
    }
  }

  @Test
  void keysWithZeroAndFfBytesSortBytewiseAndStayDistinct() {
    ByteString[] keys = {
        b("a"), ByteString.copyFrom(new byte[] {'a', 0}), ByteString.copyFrom(new byte[] {'a', 0, 0}),
        ByteString.copyFrom(new byte[] {'a', 1}), ByteString.copyFrom(new byte[] {'a', (byte) 0xFF}),
        b("b")};
    try (MvccStore s = MvccStore.open(dir)) {
      for (int i = keys.length - 1; i >= 0; i--) {
        put(s, keys[i], "v" + i);
      }
      RangeResponse r = all(s, 0);
      assertThat(r.getKvsList()).extracting(KeyValue::getKey).containsExactly(keys);
      RangeResponse one = s.range(RangeRequest.newBuilder().setKey(keys[1]).build());
      assertThat(one.getKvsList()).extracting(KeyValue::getValue).containsExactly(b("v1"));
    }
  }

  @Test
  void deletedKeyIsRecreatedWithVersionOneAndOldRevisionsStillReadable() {
    try (MvccStore s = MvccStore.open(dir)) {
      long r1 = put(s, b("k"), "one").getPut().getHeader().getRevision();
      apply(s, Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("k")))
          .build());
      long r3 = put(s, b("k"), "two").getPut().getHeader().getRevision();
      KeyValue now = all(s, 0).getKvs(0);
      assertThat(now.getVersion()).isEqualTo(1);
      assertThat(now.getCreateRevision()).isEqualTo(r3);
      assertThat(all(s, r1).getKvs(0).getValue()).isEqualTo(b("one"));
      assertThat(all(s, r1 + 1).getKvsCount()).isZero();
    }
  }

  @Test
  void compactionKeepsTheNewestVersionAndItsHashSurvivesRestart() {
    int hash;
    long compactAt;
    try (MvccStore s = MvccStore.open(dir)) {
      put(s, b("keep"), "1");
      put(s, b("keep"), "2");
      put(s, b("gone"), "x");
      compactAt = apply(s, Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
          .setKey(b("gone"))).build()).getDeleteRange().getHeader().getRevision();
      put(s, b("keep"), "3");
      hash = s.hashKv(0).getHash();
      Result c = apply(s, Command.newBuilder().setCompaction(CompactionRequest.newBuilder()
          .setRevision(compactAt)).build());
      assertThat(c.hasFailure()).isFalse();
      assertThat(s.hashKv(0).getHash()).isNotEqualTo(hash); // history below compactAt is gone
      hash = s.hashKv(0).getHash();
      assertThat(all(s, compactAt).getKvsList()).extracting(KeyValue::getValue)
          .containsExactly(b("2"));
      assertThatThrownBy(() -> all(s, compactAt - 1)).isInstanceOf(EtcdException.class)
          .hasMessage(EtcdError.COMPACTED.message());
    }
    try (MvccStore s = MvccStore.open(dir)) {
      assertThat(s.compactRevision()).isEqualTo(compactAt);
      assertThat(s.hashKv(0).getHash()).isEqualTo(hash);
      assertThat(all(s, compactAt).getKvsList()).extracting(KeyValue::getValue)
          .containsExactly(b("2"));
    }
  }

  @Test
  void failedCommandChangesNothingButTheAppliedIndex() {
    try (MvccStore s = MvccStore.open(dir)) {
      put(s, b("k"), "v");
      long rev = s.currentRevision();
      int hash = s.hashKv(0).getHash();
      Result r = apply(s, Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("absent"))
          .setIgnoreValue(true)).build());
      assertThat(r.getFailure().getError()).isEqualTo(EtcdError.KEY_NOT_FOUND.name());
      assertThat(s.currentRevision()).isEqualTo(rev);
      assertThat(s.hashKv(0).getHash()).isEqualTo(hash);
      assertThat(s.appliedIndex()).isEqualTo(index);
    }
  }

  @Test
  void aBatchAppliesEachCommandAtItsOwnRevisionAndAFailingOneChangesNothingOfItsOwn() {
    Command putA = Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("a"))
        .setValue(b("1"))).build();
    Command badLease = Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("x"))
        .setValue(b("never")).setLease(42)).build();
    Command txnOnA = Command.newBuilder().setTxn(dev.keelson.etcd.etcdserverpb.TxnRequest
        .newBuilder().addCompare(dev.keelson.etcd.etcdserverpb.Compare.newBuilder().setKey(b("a"))
            .setTarget(dev.keelson.etcd.etcdserverpb.Compare.CompareTarget.VALUE)
            .setResult(dev.keelson.etcd.etcdserverpb.Compare.CompareResult.EQUAL)
            .setValue(b("1")))
        .addSuccess(dev.keelson.etcd.etcdserverpb.RequestOp.newBuilder().setRequestPut(
            PutRequest.newBuilder().setKey(b("b")).setValue(b("saw a=1"))))).build();
    Command deleteA = Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
        .setKey(b("a"))).build();
    try (MvccStore s = MvccStore.open(dir)) {
      var applied = s.applyAll(1, ++index, java.util.List.of(putA, badLease, txnOnA, deleteA));

      assertThat(applied).hasSize(4);
      assertThat(applied.get(0).result().getPut().getHeader().getRevision()).isEqualTo(2);
      assertThat(applied.get(1).result().getFailure().getError()).isEqualTo("LEASE_NOT_FOUND");
      assertThat(applied.get(1).changes()).isNull();
      // the txn saw the batch's own earlier put
      assertThat(applied.get(2).result().getTxn().getSucceeded()).isTrue();
      assertThat(applied.get(2).changes().revision()).isEqualTo(3);
      assertThat(applied.get(3).changes().revision()).isEqualTo(4);
      assertThat(s.currentRevision()).isEqualTo(4);
      assertThat(s.appliedIndex()).isEqualTo(index);
      assertThat(all(s, 0).getKvsList()).extracting(kv -> kv.getKey().toStringUtf8())
          .containsExactly("b");
      assertThat(all(s, 2).getKvsList()).extracting(kv -> kv.getKey().toStringUtf8())
          .containsExactly("a");
      // the same entry again (replay after a restart) is skipped as a whole
      var again = s.applyAll(1, index, java.util.List.of(putA, deleteA));
      assertThat(again).allSatisfy(a -> assertThat(a.result().getFailure().getError())
          .isEqualTo("ALREADY_APPLIED"));
      assertThat(s.currentRevision()).isEqualTo(4);
    }
    try (MvccStore reopened = MvccStore.open(dir)) {
      assertThat(reopened.currentRevision()).isEqualTo(4);
      assertThat(all(reopened, 3).getKvsList()).extracting(kv -> kv.getValue().toStringUtf8())
          .containsExactly("1", "saw a=1");
    }
  }

  /**
   * A put reads its key's newest version from what the entry wrote, from the versions the store
   * remembers, or from RocksDB; the answers must not differ, before and after a restart (which
   * forgets what was remembered).
   */
  @Test
  void aKeysNewestVersionIsTheSameWhetherRememberedOrReadFromTheStore() {
    Command deleteA = Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
        .setKey(b("a"))).build();
    try (MvccStore s = MvccStore.open(dir)) {
      var applied = s.applyAll(1, ++index, java.util.List.of(putCmd("a", "1", 0, false),
          putCmd("a", "2", 0, false), deleteA, putCmd("a", "3", 0, false)));
      var second = applied.get(1).changes().events().get(0);
      assertThat(second.getKv().getVersion()).isEqualTo(2);
      assertThat(second.getKv().getCreateRevision()).isEqualTo(2);
      assertThat(second.getPrevKv().getValue()).isEqualTo(b("1"));
      var recreated = applied.get(3).changes().events().get(0);
      assertThat(recreated.getKv().getVersion()).isEqualTo(1);
      assertThat(recreated.getKv().getCreateRevision()).isEqualTo(5);
      assertThat(recreated.hasPrevKv()).isFalse();

      var next = apply(s, putCmd("a", "4", 0, true)).getPut();
      assertThat(next.getPrevKv().getValue()).isEqualTo(b("3"));
      assertThat(next.getPrevKv().getVersion()).isEqualTo(1);
      // a key deleted by a lease revocation starts over
      apply(s, Command.newBuilder().setLeaseGrant(dev.keelson.etcd.etcdserverpb.LeaseGrantRequest
          .newBuilder().setID(7).setTTL(60)).build());
      apply(s, putCmd("b", "leased", 7, false));
      apply(s, Command.newBuilder().setLeaseRevoke(dev.keelson.etcd.etcdserverpb
          .LeaseRevokeRequest.newBuilder().setID(7)).build());
      var b = apply(s, putCmd("b", "free", 0, true)).getPut();
      assertThat(b.hasPrevKv()).isFalse();
      assertThat(all(s, 0).getKvsList()).extracting(KeyValue::getVersion).containsExactly(2L, 1L);
      // a transaction's compare on one key sees the newest version
      Result txn = apply(s, Command.newBuilder().setTxn(dev.keelson.etcd.etcdserverpb.TxnRequest
          .newBuilder().addCompare(dev.keelson.etcd.etcdserverpb.Compare.newBuilder()
              .setKey(b("a")).setTarget(dev.keelson.etcd.etcdserverpb.Compare.CompareTarget.VALUE)
              .setResult(dev.keelson.etcd.etcdserverpb.Compare.CompareResult.EQUAL)
              .setValue(b("4")))).build());
      assertThat(txn.getTxn().getSucceeded()).isTrue();
    }
    try (MvccStore s = MvccStore.open(dir)) {
      var after = apply(s, putCmd("a", "5", 0, true)).getPut();
      assertThat(after.getPrevKv().getValue()).isEqualTo(b("4"));
      assertThat(after.getPrevKv().getVersion()).isEqualTo(2);
      assertThat(after.getPrevKv().getCreateRevision()).isEqualTo(5);
      assertThat(apply(s, putCmd("b", "again", 0, true)).getPut().getPrevKv().getValue())
          .isEqualTo(b("free"));
    }
  }

  private static Command putCmd(String key, String value, long lease, boolean prevKv) {
    return Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b(value))
        .setLease(lease).setPrevKv(prevKv)).build();
  }
}
