package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeResponse;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.PutResponse;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.ResponseOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.TxnResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * One modifying transaction, applied by the apply thread: every change lands in the entry's
 * indexed write batch at revision {@code beginRev + 1}, and reads inside the transaction see
 * the transaction's own earlier changes, and those of earlier transactions of the same Raft
 * entry (etcd's storeTxnWrite). Nothing reaches the database until {@link MvccStore} commits
 * the batch together with the applied index. The batch belongs to the caller; a transaction
 * marks a save point in it, so that {@link #discard} forgets only its own changes.
 *
 * <p>Point reads of a key's newest version ({@link #get}) look first at what this transaction
 * and the entry's earlier ones wrote, then at the store's {@link LatestVersions}, and only then
 * seek the store (remembering what they found there, which is committed state).
 */
final class WriteTxn implements AutoCloseable {
  private static final byte[] TOMBSTONE = new byte[0];

  private final RocksDB db;
  private final ColumnFamilyHandle kvCf;
  private final ColumnFamilyHandle logCf;
  private final LeaseTable leases;
  final WriteBatchWithIndex batch;
  private final ReadOptions readOptions = new ReadOptions();
  final long beginRev;
  final long compactRev;
  private final List<Event> events = new ArrayList<>();
  /** Each key this transaction wrote → its newest version or {@link LatestVersions#DELETED}. */
  private final Map<ByteString, KeyValue> written = new HashMap<>();
  /** The same for the entry's earlier transactions; not modified here. */
  private final Map<ByteString, KeyValue> entryWritten;
  private final LatestVersions latest;

  WriteTxn(RocksDB db, ColumnFamilyHandle kvCf, ColumnFamilyHandle logCf, LeaseTable leases,
      WriteBatchWithIndex batch, long beginRev, long compactRev,
      Map<ByteString, KeyValue> entryWritten, LatestVersions latest) {
    this.db = db;
    this.entryWritten = entryWritten;
    this.latest = latest;
    this.batch = batch;
    batch.setSavePoint();
    this.kvCf = kvCf;
    this.logCf = logCf;
    this.leases = leases;
    this.beginRev = beginRev;
    this.compactRev = compactRev;
  }

  boolean changed() {
    return !events.isEmpty();
  }

  /** What this transaction wrote: key → newest version or {@link LatestVersions#DELETED}. */
  Map<ByteString, KeyValue> written() {
    return written;
  }

  /** The events written so far, in order; their revision is {@code beginRev + 1}. */
  List<Event> events() {
    return events;
  }

  /** Forgets every change of this transaction (writes and events), after a failed check. */
  void discard() {
    try {
      batch.rollbackToSavePoint();
      batch.setSavePoint();
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot roll back a write batch", e);
    }
    events.clear();
    written.clear();
  }

  /** The revision reads see: the one being written once anything has been written. */
  long readRev() {
    return changed() ? beginRev + 1 : beginRev;
  }

  private RocksIterator iterator() {
    return batch.newIteratorWithBase(kvCf, db.newIterator(kvCf, readOptions));
  }

  RangeResponse range(RangeRequest r) {
    try (RocksIterator it = iterator()) {
      return RangeSemantics.range(it, r, readRev(), compactRev);
    }
  }

  /** The key's live version as this transaction sees it, or null. */
  private KeyValue get(ByteString key) {
    KeyValue known = written.get(key);
    if (known == null) {
      known = entryWritten.get(key);
    }
    if (known == null) {
      known = latest.find(key);
    }
    if (known == null) {
      // nobody in this entry wrote the key: the store holds its committed state
      try (RocksIterator it = iterator()) {
        KeyValue stored = RangeScan.get(it, key.toByteArray(), readRev());
        latest.record(key, stored == null ? LatestVersions.DELETED : stored);
        return stored;
      }
    }
    return known == LatestVersions.DELETED ? null : known;
  }

  PutResponse put(PutRequest p) {
    byte[] key = p.getKey().toByteArray();
    KeyValue prev = get(p.getKey()); // needed anyway for create_revision and version
    if ((p.getIgnoreValue() || p.getIgnoreLease()) && prev == null) {
      throw EtcdError.KEY_NOT_FOUND.exception();
    }
    ByteString value = p.getIgnoreValue() ? prev.getValue() : p.getValue();
    long lease = p.getIgnoreLease() ? prev.getLease() : p.getLease();
    long rev = beginRev + 1;
    KeyValue stored = KeyValue.newBuilder()
        .setCreateRevision(prev == null ? rev : prev.getCreateRevision())
        .setModRevision(rev)
        .setVersion(prev == null ? 1 : prev.getVersion() + 1)
        .setValue(value)
        .setLease(lease)
        .build();
    write(key, stored.toByteArray(), prev == null ? 0 : prev.getLease(), lease);
    KeyValue withKey = stored.toBuilder().setKey(p.getKey()).build();
    written.put(p.getKey(), withKey);
    Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(withKey);
    if (prev != null) {
      event.setPrevKv(prev);
    }
    events.add(event.build());
    PutResponse.Builder out = PutResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(rev));
    if (p.getPrevKv() && prev != null) {
      out.setPrevKv(prev);
    }
    return out.build();
  }

  DeleteRangeResponse deleteRange(DeleteRangeRequest d) {
    List<KeyValue> live;
    try (RocksIterator it = iterator()) {
      live = RangeScan.scan(it, d.getKey().toByteArray(),
          RangeSemantics.rangeEnd(d.getRangeEnd().toByteArray()), readRev(), 0, false).kvs();
    }
    for (KeyValue kv : live) {
      delete(kv);
    }
    DeleteRangeResponse.Builder out = DeleteRangeResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(readRev()))
        .setDeleted(live.size());
    if (d.getPrevKv()) {
      out.addAllPrevKvs(live);
    }
    return out.build();
  }

  /** Deletes one live key (etcd's delete event carries only the key and the revision). */
  private void delete(KeyValue live) {
    write(live.getKey().toByteArray(), TOMBSTONE, live.getLease(), 0);
    written.put(live.getKey(), LatestVersions.DELETED);
    events.add(Event.newBuilder().setType(Event.EventType.DELETE)
        .setKv(KeyValue.newBuilder().setKey(live.getKey()).setModRevision(beginRev + 1))
        .setPrevKv(live).build());
  }

  /** Writes a version and its change-log entry, and moves the key between leases. */
  private void write(byte[] key, byte[] storedValue, long oldLease, long newLease) {
    long rev = beginRev + 1;
    try {
      batch.put(kvCf, KeyCodec.versionKey(KeyCodec.encodeKey(key), rev), storedValue);
      batch.put(logCf, KeyCodec.logKey(rev, events.size()), key);
      if (oldLease != newLease) {
        leases.detach(batch, oldLease, key);
        leases.attach(batch, newLease, key);
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Revokes a lease: deletes every key attached to it, in key order, in this one revision, and
   * the lease itself.
   */
  void revokeLease(long id) {
    if (!leases.exists(id)) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    for (byte[] key : leases.keys(id)) {
      KeyValue kv = get(ByteString.copyFrom(key));
      if (kv != null) {
        delete(kv);
      }
    }
    try {
      leases.remove(batch, id);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * etcd 3.4's Txn: every compare on the path, nested ones included, is decided against the
   * state before the transaction; the chosen operations are then checked before any runs, so a
   * failing check changes nothing: first every put (ignore flags, lease), then every range
   * (revision), so that when both kinds fail the put's error wins, as in etcd.
   */
  TxnResponse txn(TxnRequest r) {
    List<Boolean> path = new ArrayList<>();
    decidePath(r, path);
    check(r, path, new int[] {0}, RequestOp.RequestCase.REQUEST_PUT);
    check(r, path, new int[] {0}, RequestOp.RequestCase.REQUEST_RANGE);
    TxnResponse.Builder out = execute(r, path, new int[] {0});
    out.setHeader(ResponseHeader.newBuilder().setRevision(readRev()));
    return out.build();
  }

  private void decidePath(TxnRequest r, List<Boolean> path) {
    boolean ok = true;
    for (Compare c : r.getCompareList()) {
      if (!Compares.holds(c, this::scanForCompare)) {
        ok = false;
        break;
      }
    }
    path.add(ok);
    for (RequestOp op : ok ? r.getSuccessList() : r.getFailureList()) {
      if (op.hasRequestTxn()) {
        decidePath(op.getRequestTxn(), path);
      }
    }
  }

  private List<KeyValue> scanForCompare(byte[] key, byte[] end) {
    if (end == null) {
      KeyValue kv = get(ByteString.copyFrom(key));
      return kv == null ? List.of() : List.of(kv);
    }
    try (RocksIterator it = iterator()) {
      return RangeScan.scan(it, key, end, readRev(), 0, false).kvs();
    }
  }

  /** Checks the operations of one kind on the chosen path. */
  private void check(TxnRequest r, List<Boolean> path, int[] cursor, RequestOp.RequestCase kind) {
    boolean ok = path.get(cursor[0]++);
    for (RequestOp op : ok ? r.getSuccessList() : r.getFailureList()) {
      if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_TXN) {
        check(op.getRequestTxn(), path, cursor, kind);
        continue;
      }
      if (op.getRequestCase() != kind) {
        continue;
      }
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> {
          long rev = op.getRequestRange().getRevision();
          if (rev > readRev()) {
            throw EtcdError.FUTURE_REV.exception();
          }
          if (rev != 0 && rev < compactRev) {
            throw EtcdError.COMPACTED.exception();
          }
        }
        case REQUEST_PUT -> {
          PutRequest p = op.getRequestPut();
          if ((p.getIgnoreValue() || p.getIgnoreLease()) && get(p.getKey()) == null) {
            throw EtcdError.KEY_NOT_FOUND.exception();
          }
          checkLease(p.getLease());
        }
        default -> { }
      }
    }
  }

  void checkLease(long lease) {
    if (lease != 0 && !leases.exists(lease)) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
  }

  private TxnResponse.Builder execute(TxnRequest r, List<Boolean> path, int[] cursor) {
    boolean ok = path.get(cursor[0]++);
    TxnResponse.Builder out = TxnResponse.newBuilder().setSucceeded(ok)
        .setHeader(ResponseHeader.getDefaultInstance());
    for (RequestOp op : ok ? r.getSuccessList() : r.getFailureList()) {
      ResponseOp.Builder res = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> res.setResponseRange(range(op.getRequestRange()));
        case REQUEST_PUT -> res.setResponsePut(put(op.getRequestPut()));
        case REQUEST_DELETE_RANGE -> res.setResponseDeleteRange(deleteRange(op.getRequestDeleteRange()));
        case REQUEST_TXN -> res.setResponseTxn(execute(op.getRequestTxn(), path, cursor));
        default -> { }
      }
      out.addResponses(res);
    }
    return out;
  }

  @Override
  public void close() {
    readOptions.close();
  }
}
