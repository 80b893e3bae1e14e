package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.CompactionResponse;
import dev.keelson.etcd.etcdserverpb.HashKVResponse;
import dev.keelson.etcd.etcdserverpb.LeaseGrantRequest;
import dev.keelson.etcd.etcdserverpb.LeaseGrantResponse;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.keelson.etcd.etcdserverpb.LeaseRevokeResponse;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Failure;
import dev.keelson.store.raft.proto.Result;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's MVCC key-value store on RocksDB (layout in {@link KeyCodec}).
 *
 * <p>Writers: only the apply thread calls {@link #apply} and {@link #recordApplied}; each call
 * commits one write batch holding the data, the new revision and the applied Raft (term, index),
 * so a crash at any point leaves a state that replays from the log without loss or double apply.
 * The {@link Compactor} thread deletes versions that compaction made unreachable; it never
 * touches what a read at or above the compaction revision can see.
 *
 * <p>Readers: any thread. A read pins the current revision, then a RocksDB snapshot, then checks
 * the compaction revision, so a concurrent compaction cannot remove what it reads.
 *
 * <p>{@code lifecycle} guards the native handles: every operation holds it shared, and
 * {@link #close} takes it exclusively, so no call ever touches a closed database.
 */
public final class MvccStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MvccStore.class);
  private static final byte[] META_APPLIED = ascii("applied");
  private static final byte[] META_REV = ascii("rev");
  private static final byte[] META_COMPACT = ascii("compact");
  private static final byte[] META_COMPACT_DONE = ascii("compactDone");
  /** etcd's MaxLeaseTTL, in seconds. */
  public static final long MAX_LEASE_TTL = 9_000_000_000L;

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final RocksDB db;
  private final ColumnFamilyHandle kvCf;
  private final ColumnFamilyHandle logCf;
  private final ColumnFamilyHandle metaCf;
  private final LeaseTable leases;
  /** Apply thread only. */
  private final LatestVersions latest;
  private final WriteOptions writeOptions = new WriteOptions();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Compactor compactor;
  private volatile boolean closed;

  private volatile long currentRev;
  private volatile long compactRev;
  private volatile long appliedTerm;
  private volatile long appliedIndex;

  private MvccStore(Path dir, long latestVersionsBytes) throws RocksDBException {
    this.dir = dir;
    this.latest = new LatestVersions(latestVersionsBytes);
    // bytes_per_sync: flushes and compactions write their files out a MiB at a time, so a flush
    // (every snapshot makes one) never leaves tens of MiB dirty for the Raft log's next fsync
    // to wait behind (ext4 orders a file's fsync after other files' pending data)
    this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2).setBytesPerSync(Long.getLong("keelson.rocksdb.bytes-per-sync",
            1L << 20));
    this.cfOptions = new ColumnFamilyOptions();
    List<ColumnFamilyDescriptor> cfs = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor(ascii("kv"), cfOptions),
        new ColumnFamilyDescriptor(ascii("log"), cfOptions),
        new ColumnFamilyDescriptor(ascii("meta"), cfOptions),
        new ColumnFamilyDescriptor(ascii("lease"), cfOptions),
        new ColumnFamilyDescriptor(ascii("leasekeys"), cfOptions));
    this.db = RocksDB.open(dbOptions, dir.toString(), cfs, handles);
    this.kvCf = handles.get(1);
    this.logCf = handles.get(2);
    this.metaCf = handles.get(3);
    this.leases = new LeaseTable(db, handles.get(4), handles.get(5));
    byte[] applied = db.get(metaCf, META_APPLIED);
    if (applied != null) {
      ByteBuffer b = ByteBuffer.wrap(applied);
      appliedTerm = b.getLong();
      appliedIndex = b.getLong();
    }
    currentRev = readLong(META_REV, 1);
    compactRev = readLong(META_COMPACT, -1);
    compactor = new Compactor(this);
    long done = readLong(META_COMPACT_DONE, -1);
    if (done < compactRev) {
      compactor.schedule(compactRev);
    }
    LOG.info("opened store {} at revision {} (compacted {}, applied {}:{})", dir, currentRev,
        compactRev, appliedTerm, appliedIndex);
  }

  /** Opens or creates the store in {@code dir}. */
  public static MvccStore open(Path dir) {
    return open(dir, Long.getLong("keelson.store.latest-versions-mib", 32) << 20);
  }

  /** As {@link #open(Path)}, remembering newest versions within {@code latestVersionsBytes}. */
  static MvccStore open(Path dir, long latestVersionsBytes) {
    try {
      Files.createDirectories(dir);
      return new MvccStore(dir, latestVersionsBytes);
    } catch (Exception e) {
      throw new IllegalStateException("cannot open store in " + dir, e);
    }
  }

  public Path directory() {
    return dir;
  }

  public long currentRevision() {
    return currentRev;
  }

  public long compactRevision() {
    return compactRev;
  }

  public long appliedTerm() {
    return appliedTerm;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  // ---- reads ---------------------------------------------------------------------------

  /** A serializable Range: the local state, as of now. */
  public RangeResponse range(RangeRequest r) {
    return read((it, cur, compact) -> RangeSemantics.range(it, r, cur, compact));
  }

  /**
   * A hash of the logical key space at {@code revision} (0 = current): every version in
   * (compactRev, revision] plus each key's surviving version at the compaction revision. Equal
   * states hash equally on every master, whatever physical compaction has done so far.
   */
  public HashKVResponse hashKv(long revision) {
    return read((it, cur, compact) -> {
      long rev = revision <= 0 ? cur : revision;
      if (rev > cur) {
        throw EtcdError.FUTURE_REV.exception();
      }
      if (rev < compact) {
        throw EtcdError.COMPACTED.exception();
      }
      CRC32C crc = new CRC32C();
      byte[] lastKey = null;
      boolean keptOld = false;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] vk = it.key();
        long r = KeyCodec.revisionOf(vk);
        byte[] encKey = KeyCodec.encodedKeyOf(vk);
        if (lastKey == null || !Arrays.equals(lastKey, encKey)) {
          lastKey = encKey;
          keptOld = false;
        }
        if (r > rev) {
          continue;
        }
        byte[] value = it.value();
        if (r <= compact) {
          if (keptOld) {
            continue;
          }
          keptOld = true;
          if (value.length == 0) {
            continue;
          }
        }
        crc.update(vk);
        crc.update(value);
      }
      return HashKVResponse.newBuilder()
          .setHeader(ResponseHeader.newBuilder().setRevision(cur))
          .setHash((int) crc.getValue())
          .setCompactRevision(compact)
          .build();
    });
  }

  /**
   * The change log: the events of revisions &ge; {@code fromRevision}, in order, stopping after
   * the revision in which the count of events reaches {@code maxEvents} (a revision is never
   * split). Empty when {@code fromRevision} is past the current revision; {@link
   * EtcdError#COMPACTED} when it is below the compaction revision. One consistent snapshot.
   */
  public List<RevisionEvents> readEvents(long fromRevision, int maxEvents) {
    return snapshotRead((ro, cur, compact) -> {
      if (fromRevision < compact) {
        throw EtcdError.COMPACTED.exception();
      }
      try (RocksIterator log = db.newIterator(logCf, ro);
          RocksIterator kv = db.newIterator(kvCf, ro)) {
        List<RevisionEvents> out = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        long rev = -1;
        int total = 0;
        for (log.seek(KeyCodec.logKey(Math.max(fromRevision, 1), 0)); log.isValid(); log.next()) {
          long r = KeyCodec.logRevision(log.key());
          if (r > cur) {
            break;
          }
          if (r != rev) {
            if (!events.isEmpty()) {
              out.add(new RevisionEvents(rev, events));
              if (total >= maxEvents) {
                return out;
              }
              events = new ArrayList<>();
            }
            rev = r;
          }
          events.add(eventAt(kv, log.value(), r));
          total++;
        }
        if (!events.isEmpty()) {
          out.add(new RevisionEvents(rev, events));
        }
        return out;
      }
    });
  }

  /** Rebuilds one change-log event from the versions of its key at and below revision r. */
  private static Event eventAt(RocksIterator kv, byte[] key, long r) {
    byte[] enc = KeyCodec.encodeKey(key);
    kv.seek(KeyCodec.versionKey(enc, r));
    if (!kv.isValid() || KeyCodec.revisionOf(kv.key()) != r || !KeyCodec.isVersionOf(kv.key(), enc)) {
      throw new IllegalStateException("change log names a missing version at " + r);
    }
    byte[] value = kv.value();
    Event.Builder e = Event.newBuilder();
    if (value.length == 0) {
      e.setType(Event.EventType.DELETE).setKv(KeyValue.newBuilder()
          .setKey(com.google.protobuf.ByteString.copyFrom(key)).setModRevision(r));
    } else {
      e.setType(Event.EventType.PUT).setKv(RangeScan.decode(key, value));
    }
    kv.next();
    if (kv.isValid() && KeyCodec.isVersionOf(kv.key(), enc) && kv.value().length > 0) {
      e.setPrevKv(RangeScan.decode(key, kv.value()));
    }
    return e.build();
  }

  /** Every lease. */
  public List<StoredLease> leases() {
    return guarded(leases::all);
  }

  /** The granted TTL of a lease, or -1 if it does not exist. */
  public long leaseTtl(long id) {
    return guarded(() -> leases.ttl(id));
  }

  /** The keys attached to a lease, in key order. */
  public List<byte[]> leaseKeys(long id) {
    return guarded(() -> leases.keys(id));
  }

  private <T> T guarded(java.util.function.Supplier<T> body) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return body.get();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private interface ReadFn<T> {
    T apply(RocksIterator it, long currentRev, long compactRev);
  }

  private <T> T read(ReadFn<T> fn) {
    return snapshotRead((ro, cur, compact) -> {
      try (RocksIterator it = db.newIterator(kvCf, ro)) {
        return fn.apply(it, cur, compact);
      }
    });
  }

  private interface SnapshotFn<T> {
    T apply(ReadOptions snapshot, long currentRev, long compactRev);
  }

  /**
   * Runs a read on one RocksDB snapshot: pins the current revision, then the snapshot, then
   * reads the compaction revision, so a concurrent compaction cannot remove what it reads.
   */
  private <T> T snapshotRead(SnapshotFn<T> fn) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      long cur = currentRev;
      Snapshot snap = db.getSnapshot();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snap)) {
        return fn.apply(ro, cur, compactRev);
      } finally {
        db.releaseSnapshot(snap);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  // ---- writes (apply thread only) ------------------------------------------------------

  /**
   * Applies one replicated command at Raft (term, index). Deterministic: the outcome depends
   * only on the store's state and the command. An etcd error (compacted, key not found ...)
   * becomes a {@link Failure} result and changes nothing but the applied index. Entries at or
   * below the applied index were applied before a restart and are skipped.
   */
  public Applied apply(long term, long index, Command cmd) {
    return applyAll(term, index, List.of(cmd)).get(0);
  }

  /**
   * Applies the commands of one Raft entry (a batch) in order, each at its own revision, in
   * one store write: after a crash either all of them are applied or none.
   */
  public List<Applied> applyAll(long term, long index, List<Command> cmds) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (index <= appliedIndex) {
        Applied skipped = new Applied(Result.newBuilder()
            .setFailure(Failure.newBuilder().setError("ALREADY_APPLIED")).build(), null);
        return java.util.Collections.nCopies(cmds.size(), skipped);
      }
      List<Applied> out = new ArrayList<>(cmds.size());
      long rev = currentRev;
      long compact = compactRev;
      Map<ByteString, KeyValue> written = new HashMap<>();
      try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
        for (Command cmd : cmds) {
          try (WriteTxn txn = new WriteTxn(db, kvCf, logCf, leases, batch, rev, compact, written,
              latest)) {
            Result result;
            long newCompact = -1;
            try {
              result = execute(txn, index, rev, compact, cmd);
              if (cmd.getOpCase() == Command.OpCase.COMPACTION) {
                newCompact = cmd.getCompaction().getRevision();
              }
            } catch (EtcdException e) {
              txn.discard();
              result = Result.newBuilder()
                  .setFailure(Failure.newBuilder().setError(e.error().name())).build();
            }
            if (txn.changed()) {
              rev++;
            }
            if (newCompact >= 0) {
              compact = newCompact;
            }
            out.add(new Applied(result, txn.changed() ? new RevisionEvents(rev, txn.events()) : null));
            written.putAll(txn.written());
          }
        }
        batch.put(metaCf, META_APPLIED, appliedBytes(term, index));
        if (rev != currentRev) {
          batch.put(metaCf, META_REV, KeyCodec.longBytes(rev));
        }
        if (compact != compactRev) {
          batch.put(metaCf, META_COMPACT, KeyCodec.longBytes(compact));
        }
        db.write(writeOptions, batch);
      }
      written.forEach(latest::record);
      appliedTerm = term;
      appliedIndex = index;
      currentRev = rev;
      if (compact != compactRev) {
        compactRev = compact;
        compactor.schedule(compact);
      }
      return out;
    } catch (RocksDBException e) {
      throw new IllegalStateException("apply failed at index " + index, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private Result execute(WriteTxn txn, long index, long rev, long compact, Command cmd)
      throws RocksDBException {
    return switch (cmd.getOpCase()) {
      case PUT -> {
        txn.checkLease(cmd.getPut().getLease());
        yield Result.newBuilder().setPut(txn.put(cmd.getPut())).build();
      }
      case DELETE_RANGE -> Result.newBuilder()
          .setDeleteRange(txn.deleteRange(cmd.getDeleteRange())).build();
      case TXN -> Result.newBuilder().setTxn(txn.txn(cmd.getTxn())).build();
      case COMPACTION -> {
        checkCompaction(cmd.getCompaction(), rev, compact);
        yield Result.newBuilder().setCompaction(CompactionResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setRevision(rev))).build();
      }
      case LEASE_GRANT -> Result.newBuilder()
          .setLeaseGrant(grant(txn, index, rev, cmd.getLeaseGrant())).build();
      case LEASE_RENEW -> Result.newBuilder()
          .setLeaseRenew(renew(txn, index, rev, cmd.getLeaseRenew().getID())).build();
      case LEASE_REVOKE -> revoke(txn, cmd.getLeaseRevoke().getID());
      case LEASE_EXPIRE -> {
        StoredLease l = leases.get(cmd.getLeaseExpire().getId());
        if (l != null && l.renewedIndex() != cmd.getLeaseExpire().getRenewedIndex()) {
          throw EtcdError.LEASE_RENEWED.exception(); // renewed after the leader decided
        }
        yield revoke(txn, cmd.getLeaseExpire().getId());
      }
      default -> throw new IllegalArgumentException("unknown command " + cmd.getOpCase());
    };
  }

  /** What applying one command did: its result, and the events of the revision it made. */
  public record Applied(Result result, RevisionEvents changes) {}

  private static Result revoke(WriteTxn txn, long id) {
    txn.revokeLease(id);
    return Result.newBuilder().setLeaseRevoke(LeaseRevokeResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(txn.readRev()))).build();
  }

  private LeaseKeepAliveResponse renew(WriteTxn txn, long index, long rev, long id)
      throws RocksDBException {
    StoredLease l = leases.get(id);
    if (l == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    leases.put(txn.batch, id, l.ttl(), index);
    return LeaseKeepAliveResponse.newBuilder().setID(id).setTTL(l.ttl())
        .setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
  }

  private LeaseGrantResponse grant(WriteTxn txn, long index, long rev, LeaseGrantRequest g)
      throws RocksDBException {
    if (g.getID() == 0) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    if (g.getTTL() > MAX_LEASE_TTL) {
      throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
    }
    if (leases.exists(g.getID())) {
      throw EtcdError.LEASE_EXIST.exception();
    }
    leases.put(txn.batch, g.getID(), g.getTTL(), index);
    return LeaseGrantResponse.newBuilder().setID(g.getID()).setTTL(g.getTTL())
        .setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
  }

  private static void checkCompaction(CompactionRequest c, long rev, long compact) {
    if (c.getRevision() <= compact) {
      throw EtcdError.COMPACTED.exception();
    }
    if (c.getRevision() > rev) {
      throw EtcdError.FUTURE_REV.exception();
    }
  }

  /** Records a Raft entry that carries no command (leader no-op, configuration). */
  public void recordApplied(long term, long index) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (index <= appliedIndex) {
        return;
      }
      db.put(metaCf, writeOptions, META_APPLIED, appliedBytes(term, index));
      appliedTerm = term;
      appliedIndex = index;
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  // ---- compaction (Compactor thread) ---------------------------------------------------

  /**
   * Physically removes every version that compaction at {@code rev} made unreachable: for each
   * key, all versions at or below rev except the newest one, which goes too if it is a
   * tombstone older than rev; and the change log below rev. Idempotent and resumable.
   */
  void compactPhysically(long rev) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        return;
      }
      int deleted = 0;
      try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(kvCf, ro);
          WriteBatch batch = new WriteBatch()) {
        byte[] lastKey = null;
        boolean seenAtOrBelow = false;
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] vk = it.key();
          byte[] encKey = KeyCodec.encodedKeyOf(vk);
          if (lastKey == null || !Arrays.equals(lastKey, encKey)) {
            lastKey = encKey;
            seenAtOrBelow = false;
          }
          if (KeyCodec.revisionOf(vk) > rev) {
            continue;
          }
          boolean newestAtOrBelow = !seenAtOrBelow;
          seenAtOrBelow = true;
          // a tombstone at exactly rev stays until the next compaction: a watch may start at
          // the compaction revision and must see that delete
          boolean tombstoneBelow = it.value().length == 0 && KeyCodec.revisionOf(vk) < rev;
          if (!newestAtOrBelow || tombstoneBelow) {
            batch.delete(kvCf, vk);
            deleted++;
          }
          if (batch.count() >= 1000) {
            db.write(writeOptions, batch);
            batch.clear();
          }
        }
        batch.deleteRange(logCf, KeyCodec.logKey(0, 0), KeyCodec.logKey(rev, 0));
        batch.put(metaCf, META_COMPACT_DONE, KeyCodec.longBytes(rev));
        db.write(writeOptions, batch);
      }
      LOG.info("compacted {} at revision {}: {} versions removed", dir, rev, deleted);
    } catch (RocksDBException e) {
      LOG.error("compaction of {} at {} failed; it resumes at next start", dir, rev, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  // ---- snapshots and status ------------------------------------------------------------

  /** The (term, index) of the last entry a store applied. */
  public record AppliedPosition(long term, long index) {}

  /**
   * The last entry applied by the store (or checkpoint) in {@code dir}, read from a read-only
   * open of it: what a checkpoint taken while entries were being applied actually holds.
   */
  public static AppliedPosition appliedOf(Path dir) {
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions(); ColumnFamilyOptions cfo = new ColumnFamilyOptions()) {
      List<ColumnFamilyDescriptor> cfs = List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo),
          new ColumnFamilyDescriptor(ascii("meta"), cfo));
      try (RocksDB ro = RocksDB.openReadOnly(o, dir.toString(), cfs, handles)) {
        byte[] applied = ro.get(handles.get(1), META_APPLIED);
        if (applied == null) {
          return new AppliedPosition(0, 0);
        }
        ByteBuffer b = ByteBuffer.wrap(applied);
        return new AppliedPosition(b.getLong(), b.getLong());
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read the applied index of " + dir, e);
    }
  }

  /** Writes a consistent, self-contained copy of the store into {@code target} (must not exist). */
  public void checkpoint(Path target) {
    lifecycle.readLock().lock();
    try (Checkpoint cp = Checkpoint.create(db)) {
      ensureOpen();
      cp.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw new IllegalStateException("checkpoint to " + target + " failed", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Approximate bytes on disk and in memtables. */
  public long dbSize() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      long total = 0;
      for (ColumnFamilyHandle h : handles) {
        total += db.getLongProperty(h, "rocksdb.total-sst-files-size");
        total += db.getLongProperty(h, "rocksdb.size-all-mem-tables");
      }
      return total;
    } catch (RocksDBException e) {
      return 0;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public void close() {
    compactor.close();
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.flushWal(true);
      } catch (RocksDBException e) {
        LOG.warn("flushing WAL of {} failed", dir, e);
      }
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      db.close();
      writeOptions.close();
      cfOptions.close();
      dbOptions.close();
      LOG.info("closed store {}", dir);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw EtcdError.STOPPED.exception();
    }
  }

  private long readLong(byte[] key, long dflt) throws RocksDBException {
    byte[] v = db.get(metaCf, key);
    return v == null ? dflt : KeyCodec.bytesLong(v);
  }

  private static byte[] appliedBytes(long term, long index) {
    return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
