package dev.keelson.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.raft.proto.Command;
import java.util.ArrayList;
import java.util.List;

/**
 * A real RocksDB store driven like the apply thread drives it, publishing to a hub exactly as
 * the state machine does (events after commit, compaction after apply). No threads: tests call
 * {@link WatchHub#runOnce} themselves.
 */
final class Harness implements AutoCloseable {
  final MvccStore store;
  final WatchHub hub;
  private long index;

  Harness(MvccStore store, WatchConfig config) {
    this.store = store;
    this.hub = new WatchHub("test", config);
    hub.storeOpened(store);
  }

  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** Applies a command to the store and tells the hub; returns the store's revision after. */
  long apply(Command.Builder c) {
    MvccStore.Applied a = store.apply(1, ++index, c.build());
    if (a.result().hasFailure()) {
      throw new IllegalStateException(a.result().getFailure().getError());
    }
    if (a.changes() != null) {
      hub.applied(a.changes());
    }
    if (c.hasCompaction()) {
      hub.compacted(c.getCompaction().getRevision());
    }
    hub.entryApplied(index);
    return store.currentRevision();
  }

  long put(String key, String value) {
    return apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key))
        .setValue(b(value))));
  }

  long put(String key, ByteString value) {
    return apply(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key))
        .setValue(value)));
  }

  long delete(String key) {
    return apply(Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
        .setKey(b(key))));
  }

  long putAll(String... keys) {
    TxnRequest.Builder t = TxnRequest.newBuilder();
    for (String k : keys) {
      t.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b(k))
          .setValue(b("t"))));
    }
    return apply(Command.newBuilder().setTxn(t));
  }

  void compact(long revision) {
    apply(Command.newBuilder().setCompaction(CompactionRequest.newBuilder()
        .setRevision(revision)));
  }

  /** Runs catch-up steps until one changes nothing. */
  void catchUp() {
    while (hub.runOnce()) {
      // keep going
    }
  }

  Client client() {
    return new Client(hub, () -> { });
  }

  /** A client whose sender wake-ups run {@code wakeup}. */
  Client client(Runnable wakeup) {
    return new Client(hub, wakeup);
  }

  @Override
  public void close() {
    hub.close();
    store.close();
  }

  /** A stream as a test sees it: requests go in, queued responses come out on demand. */
  static final class Client {
    final WatchHub hub;
    final WatchStream stream;

    Client(WatchHub hub, Runnable wakeup) {
      this.hub = hub;
      this.stream = hub.openStream(wakeup);
    }

    void watch(WatchCreateRequest.Builder r) {
      hub.create(stream, r.build());
    }

    void watch(String key, long start) {
      watch(WatchCreateRequest.newBuilder().setKey(b(key)).setStartRevision(start));
    }

    void watchPrefix(String prefix, long start) {
      watch(WatchCreateRequest.newBuilder().setKey(b(prefix))
          .setRangeEnd(b(prefix.substring(0, prefix.length() - 1)
              + (char) (prefix.charAt(prefix.length() - 1) + 1)))
          .setStartRevision(start));
    }

    /** Everything queued now, in order. */
    List<Outgoing> poll() {
      List<Outgoing> out = new ArrayList<>();
      for (Outgoing o = stream.poll(); o != null; o = stream.poll()) {
        out.add(o);
      }
      return out;
    }

    /** The event responses among everything queued now. */
    List<Outgoing> pollEvents() {
      return poll().stream().filter(o -> !o.events().isEmpty()).toList();
    }

    static List<Long> revisions(List<Outgoing> responses) {
      List<Long> out = new ArrayList<>();
      for (Outgoing o : responses) {
        for (Event e : o.events()) {
          out.add(e.getKv().getModRevision());
        }
      }
      return out;
    }
  }
}
