package dev.keelson.store.mvcc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The replicated part of leases: which leases exist, their granted TTL, and which keys are
 * attached to each. Deadlines are not here: they are the leader's business (see the lessor in
 * the etcd API layer), so applying stays deterministic.
 *
 * <pre>
 *  lease      be64(id)            →  be64(granted TTL seconds) ‖ be64(Raft index of the last
 *                                     grant or renewal)
 *  leasekeys  be64(id) ‖ raw key  →  (empty)     one entry per key attached to the lease
 * </pre>
 *
 * Writes go into the caller's batch, so they commit with the data they describe.
 */
final class LeaseTable {
  private static final byte[] EMPTY = new byte[0];

  private final RocksDB db;
  private final ColumnFamilyHandle leaseCf;
  private final ColumnFamilyHandle keysCf;

  LeaseTable(RocksDB db, ColumnFamilyHandle leaseCf, ColumnFamilyHandle keysCf) {
    this.db = db;
    this.leaseCf = leaseCf;
    this.keysCf = keysCf;
  }

  boolean exists(long id) {
    return ttl(id) >= 0;
  }

  /** The granted TTL of a lease, or -1 if there is no such lease. */
  long ttl(long id) {
    StoredLease l = get(id);
    return l == null ? -1 : l.ttl();
  }

  StoredLease get(long id) {
    try {
      byte[] v = db.get(leaseCf, KeyCodec.longBytes(id));
      return v == null ? null : decode(id, v);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Grants or renews: the lease's TTL and the index its countdown starts from. */
  void put(WriteBatchWithIndex batch, long id, long ttl, long renewedIndex)
      throws RocksDBException {
    batch.put(leaseCf, KeyCodec.longBytes(id),
        ByteBuffer.allocate(16).putLong(ttl).putLong(renewedIndex).array());
  }

  private static StoredLease decode(long id, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    return new StoredLease(id, b.getLong(), b.getLong());
  }

  /** Deletes the lease and what is left of its key index. */
  void remove(WriteBatchWithIndex batch, long id) throws RocksDBException {
    batch.delete(leaseCf, KeyCodec.longBytes(id));
    for (byte[] key : keys(id)) {
      batch.delete(keysCf, indexKey(id, key));
    }
  }

  void attach(WriteBatchWithIndex batch, long id, byte[] key) throws RocksDBException {
    if (id != 0) {
      batch.put(keysCf, indexKey(id, key), EMPTY);
    }
  }

  void detach(WriteBatchWithIndex batch, long id, byte[] key) throws RocksDBException {
    if (id != 0) {
      batch.delete(keysCf, indexKey(id, key));
    }
  }

  /** The keys attached to a lease, in key order (as committed; not the caller's batch). */
  List<byte[]> keys(long id) {
    byte[] prefix = KeyCodec.longBytes(id);
    List<byte[]> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(keysCf, ro)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (!Arrays.equals(k, 0, 8, prefix, 0, 8)) {
          break;
        }
        out.add(Arrays.copyOfRange(k, 8, k.length));
      }
    }
    return out;
  }

  /** Every lease, in id byte order. */
  List<StoredLease> all() {
    List<StoredLease> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(leaseCf, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(decode(KeyCodec.bytesLong(it.key()), it.value()));
      }
    }
    return out;
  }

  private static byte[] indexKey(long id, byte[] key) {
    return ByteBuffer.allocate(8 + key.length).putLong(id).put(key).array();
  }
}
