package dev.keelson.api.storage;

import com.google.protobuf.ByteString;
import dev.keelson.api.storage.StorageException.Reason;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.TxnResponse;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import dev.keelson.store.raft.RaftNode;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Query;
import dev.keelson.store.raft.proto.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link Storage} on this master's Raft node: writes are etcd transactions through the log
 * (create = "create_revision is 0", update and delete = "mod_revision is what the writer read"),
 * quorum reads use ReadIndex, other reads this master's store.
 */
public final class RaftStorage implements Storage {
  private final RaftNode node;

  public RaftStorage(RaftNode node) {
    this.node = node;
  }

  @Override
  public CompletableFuture<Stored> get(String key, boolean quorum) {
    RangeRequest r = RangeRequest.newBuilder().setKey(bytes(key)).build();
    return read(r, quorum).thenApply(res -> res.getKvsCount() == 0 ? null : stored(res.getKvs(0)));
  }

  @Override
  public CompletableFuture<Page> list(String prefix, String fromKey, long limit, long revision,
      boolean quorum) {
    RangeRequest r = RangeRequest.newBuilder()
        .setKey(bytes(fromKey == null ? prefix : fromKey))
        .setRangeEnd(prefixEnd(bytes(prefix)))
        .setLimit(Math.max(0, limit))
        .setRevision(revision)
        .build();
    return read(r, quorum).thenApply(res -> {
      List<Stored> items = new ArrayList<>(res.getKvsCount());
      res.getKvsList().forEach(kv -> items.add(stored(kv)));
      return new Page(items, res.getHeader().getRevision(), res.getMore(),
          Math.max(0, res.getCount() - items.size()));
    });
  }

  @Override
  public CompletableFuture<Stored> create(String key, byte[] value) {
    return create(key, value, List.of());
  }

  @Override
  public CompletableFuture<Stored> create(String key, byte[] value, List<Companion> companions) {
    ByteString k = bytes(key);
    TxnRequest.Builder t = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
        .addSuccess(put(k, value));
    for (Companion c : companions) {
      ByteString ck = bytes(c.key());
      t.addCompare(modIs(ck, c.expectedRevision())).addSuccess(put(ck, c.value()));
    }
    if (!companions.isEmpty()) {
      t.addFailure(RequestOp.newBuilder().setRequestRange(
          RangeRequest.newBuilder().setKey(k).setKeysOnly(true)));
    }
    return txn(t.build()).thenApply(res -> {
      if (!res.getSucceeded()) {
        boolean exists = companions.isEmpty()
            || res.getResponses(0).getResponseRange().getKvsCount() > 0;
        if (exists) {
          throw new StorageException(Reason.EXISTS, key + " exists");
        }
        throw new StorageException(Reason.COMPANION_CHANGED, "an object written with " + key
            + " changed", res.getHeader().getRevision());
      }
      long rev = res.getHeader().getRevision();
      return new Stored(key, value, rev, rev);
    });
  }

  @Override
  public CompletableFuture<Stored> update(String key, byte[] value, long expectedRevision) {
    ByteString k = bytes(key);
    TxnRequest t = TxnRequest.newBuilder()
        .addCompare(modIs(k, expectedRevision))
        .addSuccess(put(k, value))
        .addFailure(RequestOp.newBuilder().setRequestRange(
            RangeRequest.newBuilder().setKey(k).setKeysOnly(true)))
        .build();
    return txn(t).thenApply(res -> {
      if (!res.getSucceeded()) {
        throw refused(key, res);
      }
      return new Stored(key, value, res.getHeader().getRevision(), 0);
    });
  }

  @Override
  public CompletableFuture<Stored> delete(String key, long expectedRevision) {
    ByteString k = bytes(key);
    TxnRequest t = TxnRequest.newBuilder()
        .addCompare(modIs(k, expectedRevision))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(
            DeleteRangeRequest.newBuilder().setKey(k).setPrevKv(true)))
        .addFailure(RequestOp.newBuilder().setRequestRange(
            RangeRequest.newBuilder().setKey(k).setKeysOnly(true)))
        .build();
    return txn(t).thenApply(res -> {
      if (!res.getSucceeded()) {
        throw refused(key, res);
      }
      var deleted = res.getResponses(0).getResponseDeleteRange();
      if (deleted.getPrevKvsCount() == 0) {
        throw new StorageException(Reason.NOT_FOUND, key + " not found");
      }
      KeyValue prev = deleted.getPrevKvs(0);
      return new Stored(key, prev.getValue().toByteArray(), res.getHeader().getRevision(),
          prev.getCreateRevision());
    });
  }

  @Override
  public CompletableFuture<Long> currentRevision() {
    RangeRequest r = RangeRequest.newBuilder().setKey(bytes("\0")).setCountOnly(true).build();
    return read(r, true).thenApply(res -> res.getHeader().getRevision());
  }

  private static StorageException refused(String key, TxnResponse res) {
    RangeResponse current = res.getResponses(0).getResponseRange();
    if (current.getKvsCount() == 0) {
      return new StorageException(Reason.NOT_FOUND, key + " not found");
    }
    return new StorageException(Reason.CONFLICT, key + " changed",
        current.getKvs(0).getModRevision());
  }

  private static Compare modIs(ByteString key, long revision) {
    return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.MOD)
        .setResult(Compare.CompareResult.EQUAL).setModRevision(revision).build();
  }

  private static RequestOp put(ByteString key, byte[] value) {
    return RequestOp.newBuilder().setRequestPut(
        PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFrom(value))).build();
  }

  private CompletableFuture<RangeResponse> read(RangeRequest r, boolean quorum) {
    Query q = Query.newBuilder().setRange(r).build();
    CompletableFuture<Result> f;
    try {
      f = quorum ? node.linearizableRead(q) : CompletableFuture.completedFuture(node.localRead(q));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return settle(f).thenApply(Result::getRange);
  }

  private CompletableFuture<TxnResponse> txn(TxnRequest t) {
    CompletableFuture<Result> f;
    try {
      f = node.write(Command.newBuilder().setTxn(t).build());
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return settle(f).thenApply(Result::getTxn);
  }

  /** Maps the node's failures (an etcd error, a Ratis exception) to {@link StorageException}. */
  private static CompletableFuture<Result> settle(CompletableFuture<Result> f) {
    return f.handle((r, t) -> {
      if (t == null && !r.hasFailure()) {
        return r;
      }
      EtcdError e = t == null ? errorOf(r) : errorOf(t);
      throw switch (e) {
        case COMPACTED -> new StorageException(Reason.COMPACTED, e.message());
        case FUTURE_REV -> new StorageException(Reason.TOO_NEW, e.message());
        default -> new StorageException(Reason.UNAVAILABLE,
            t == null || t instanceof EtcdException || t.getCause() instanceof EtcdException
                ? e.message() : String.valueOf(rootCause(t).getMessage()));
      };
    });
  }

  private static EtcdError errorOf(Result r) {
    try {
      return EtcdError.valueOf(r.getFailure().getError());
    } catch (IllegalArgumentException unknown) {
      return EtcdError.TIMEOUT;
    }
  }

  private static EtcdError errorOf(Throwable t) {
    Throwable c = rootCause(t);
    return c instanceof EtcdException ee ? ee.error() : EtcdError.TIMEOUT;
  }

  private static Throwable rootCause(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static Stored stored(KeyValue kv) {
    return new Stored(kv.getKey().toStringUtf8(), kv.getValue().toByteArray(),
        kv.getModRevision(), kv.getCreateRevision());
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** The first key after every key with this prefix (etcd's "prefix" range end). */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }
}
