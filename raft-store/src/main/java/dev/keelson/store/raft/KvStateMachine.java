package dev.keelson.store.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.keelson.etcd.etcdserverpb.LeaseLeasesResponse;
import dev.keelson.etcd.etcdserverpb.LeaseStatus;
import dev.keelson.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import dev.keelson.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.mvcc.RevisionEvents;
import dev.keelson.store.mvcc.StoredLease;
import dev.keelson.store.raft.proto.BatchResult;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Failure;
import dev.keelson.store.raft.proto.Query;
import dev.keelson.store.raft.proto.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine over {@link MvccStore}. Commands are validated before they enter
 * the log (by the etcd API layer), applied one at a time in log order, deterministically, and
 * their results returned to whichever master proposed them. Queries run after ReadIndex.
 *
 * <p>Snapshots are RocksDB checkpoints ({@link SnapshotStore}), taken on a thread of their own
 * so that applying never waits for the memtable flush a checkpoint makes ({@link #takeSnapshot}).
 * On a follower that installed a snapshot from the leader, {@link #reinitialize} swaps the store
 * for the installed copy.
 *
 * <p>Ratis replays the log from the latest snapshot on every start, but the store persists each
 * applied entry itself and is usually ahead of that snapshot; {@link #initialize} therefore
 * snapshots the store where it stands, so that no entry is handed to it twice.
 */
public final class KvStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

  private final String nodeId;
  private final Path storeDir;
  private final SnapshotStore snapshots;
  private final StoreListener listener;
  private final AppliedWaiters appliedWaiters = new AppliedWaiters();
  private final ExecutorService snapshotter;
  /** The checkpoint being taken, or null; apply thread only. */
  private CompletableFuture<Long> pendingSnapshot;
  private volatile MvccStore store;

  /**
   * What layers above (watch hub, lessor) learn from the state machine. Every method but
   * {@link #storeOpened} runs on the Raft apply thread, after the change is committed to the
   * store, in log order; none may block.
   */
  public interface StoreListener {
    /** At start, and after a snapshot install replaced the store (possibly far ahead). */
    void storeOpened(MvccStore store);

    /** A command changed keys: the events of its revision. */
    default void applied(RevisionEvents changes) {}

    /** A compaction was applied. */
    default void compacted(long compactRevision) {}

    /**
     * Everything the entry at {@code index} changed has been told (a batch entry tells many
     * revisions first): the moment to hand the entry's work to other threads at once.
     */
    default void entryApplied(long index) {}

    /** A lease was granted or renewed by the entry at {@code index}: its countdown restarts. */
    default void leaseRenewed(long id, long ttl, long index) {}

    /** A lease was revoked (by a client, or by the leader when it expired). */
    default void leaseRevoked(long id) {}

    /** Tells every listener, in the given order. */
    static StoreListener all(StoreListener... listeners) {
      List<StoreListener> ls = List.of(listeners);
      return new StoreListener() {
        @Override
        public void storeOpened(MvccStore store) {
          ls.forEach(l -> l.storeOpened(store));
        }

        @Override
        public void applied(RevisionEvents changes) {
          ls.forEach(l -> l.applied(changes));
        }

        @Override
        public void compacted(long compactRevision) {
          ls.forEach(l -> l.compacted(compactRevision));
        }

        @Override
        public void entryApplied(long index) {
          ls.forEach(l -> l.entryApplied(index));
        }

        @Override
        public void leaseRenewed(long id, long ttl, long index) {
          ls.forEach(l -> l.leaseRenewed(id, ttl, index));
        }

        @Override
        public void leaseRevoked(long id) {
          ls.forEach(l -> l.leaseRevoked(id));
        }
      };
    }
  }

  public KvStateMachine(String nodeId, Path dataDir, StoreListener listener) {
    this.nodeId = nodeId;
    this.storeDir = dataDir.resolve("store");
    this.snapshots = new SnapshotStore(dataDir.resolve("snapshots"));
    this.listener = listener;
    this.snapshotter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "snapshot-" + nodeId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Completes once this master has applied the entry at {@code index}. */
  CompletableFuture<Void> awaitApplied(long index) {
    return appliedWaiters.await(index);
  }

  public MvccStore store() {
    MvccStore s = store;
    if (s == null) {
      throw EtcdError.STOPPED.exception();
    }
    return s;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      snapshots.init(raftStorage);
      var latest = snapshots.latestDir();
      if (!Files.exists(storeDir) && latest.isPresent()) {
        installCopy(latest.get());
      }
      openStore();
      long snapshotIndex = latest.map(p -> SnapshotStore.termIndexOf(p).getIndex()).orElse(-1L);
      if (store.appliedIndex() < snapshotIndex) {
        // a machine crash lost the store's unsynced tail, and Ratis replays only what follows
        // the snapshot: start from the snapshot instead
        LOG.warn("[{}] store at index {} is behind snapshot {}; loading the snapshot", nodeId,
            store.appliedIndex(), snapshotIndex);
        closeStore();
        installCopy(latest.get());
        openStore();
      }
      if (store.appliedIndex() > Math.max(0, snapshotIndex)) {
        checkpoint(store);
      }
    });
  }

  private void openStore() {
    MvccStore s = MvccStore.open(storeDir);
    setLastAppliedTermIndex(TermIndex.valueOf(s.appliedTerm(), s.appliedIndex()));
    store = s;
    listener.storeOpened(s);
    appliedWaiters.advance(s.appliedIndex());
    LOG.info("[{}] state machine at {}:{}, revision {}", nodeId, s.appliedTerm(),
        s.appliedIndex(), s.currentRevision());
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    Result result;
    try {
      Command cmd = Command.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
      if (cmd.hasBatch()) {
        List<Command> cmds = cmd.getBatch().getCommandsList();
        List<MvccStore.Applied> all = store().applyAll(entry.getTerm(), entry.getIndex(), cmds);
        BatchResult.Builder batch = BatchResult.newBuilder();
        for (int i = 0; i < cmds.size(); i++) {
          batch.addResults(all.get(i).result());
          tell(cmds.get(i), entry.getIndex(), all.get(i));
        }
        result = Result.newBuilder().setBatch(batch).build();
      } else {
        MvccStore.Applied applied = store().apply(entry.getTerm(), entry.getIndex(), cmd);
        result = applied.result();
        tell(cmd, entry.getIndex(), applied);
      }
    } catch (InvalidProtocolBufferException e) {
      // cannot happen for entries we proposed; skip deterministically everywhere
      store().recordApplied(entry.getTerm(), entry.getIndex());
      result = failure("BAD_COMMAND");
    }
    listener.entryApplied(entry.getIndex());
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    appliedWaiters.advance(entry.getIndex());
    return CompletableFuture.completedFuture(toMessage(result));
  }

  private void tell(Command cmd, long index, MvccStore.Applied applied) {
    if (applied.result().hasFailure()) {
      return;
    }
    if (applied.changes() != null) {
      listener.applied(applied.changes());
    }
    switch (cmd.getOpCase()) {
      case COMPACTION -> listener.compacted(cmd.getCompaction().getRevision());
      case LEASE_GRANT -> listener.leaseRenewed(cmd.getLeaseGrant().getID(),
          cmd.getLeaseGrant().getTTL(), index);
      case LEASE_RENEW -> listener.leaseRenewed(cmd.getLeaseRenew().getID(),
          applied.result().getLeaseRenew().getTTL(), index);
      case LEASE_REVOKE -> listener.leaseRevoked(cmd.getLeaseRevoke().getID());
      case LEASE_EXPIRE -> listener.leaseRevoked(cmd.getLeaseExpire().getId());
      default -> { }
    }
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    MvccStore s = store;
    if (s != null) {
      s.recordApplied(term, index);
    }
    super.notifyTermIndexUpdated(term, index);
    appliedWaiters.advance(index);
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Query q = Query.parseFrom(request.getContent().toByteArray());
      return CompletableFuture.completedFuture(toMessage(runQuery(store(), q)));
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs a query against a store; etcd errors become failures. */
  public static Result runQuery(MvccStore s, Query q) {
    try {
      return switch (q.getOpCase()) {
        case RANGE -> Result.newBuilder().setRange(s.range(q.getRange())).build();
        case HASH_KV -> Result.newBuilder().setHashKv(s.hashKv(q.getHashKv().getRevision())).build();
        case LEASE_TIME_TO_LIVE -> Result.newBuilder()
            .setLeaseTimeToLive(leaseTimeToLive(s, q.getLeaseTimeToLive())).build();
        case LEASE_LEASES -> Result.newBuilder().setLeaseLeases(leases(s)).build();
        case OP_NOT_SET -> Result.getDefaultInstance(); // a ReadIndex round, nothing to read
      };
    } catch (EtcdException e) {
      return failure(e.error().name());
    }
  }

  /** Granted TTL and keys of a lease; the remaining TTL is the lessor's to fill in. */
  private static LeaseTimeToLiveResponse leaseTimeToLive(MvccStore s, LeaseTimeToLiveRequest r) {
    long ttl = s.leaseTtl(r.getID());
    if (ttl < 0) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    LeaseTimeToLiveResponse.Builder out = LeaseTimeToLiveResponse.newBuilder()
        .setID(r.getID()).setGrantedTTL(ttl);
    if (r.getKeys()) {
      s.leaseKeys(r.getID()).forEach(k -> out.addKeys(com.google.protobuf.ByteString.copyFrom(k)));
    }
    return out.build();
  }

  /** Every lease, by id, with the revision in the header. */
  private static LeaseLeasesResponse leases(MvccStore s) {
    LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(s.currentRevision()));
    s.leases().stream().map(StoredLease::id).sorted()
        .forEach(id -> b.addLeases(LeaseStatus.newBuilder().setID(id)));
    return b.build();
  }

  private static Result failure(String error) {
    return Result.newBuilder().setFailure(Failure.newBuilder().setError(error)).build();
  }

  private static Message toMessage(Result r) {
    return Message.valueOf(ByteString.copyFrom(r.toByteArray()));
  }

  /**
   * Ratis' apply thread asks for a snapshot every {@code snapshotThreshold} entries, and keeps
   * asking (on each later apply round) until it gets an index. The first call starts a
   * checkpoint of the store where it stands on the snapshot thread and answers "none yet"
   * ({@link RaftLog#INVALID_LOG_INDEX}), as do the calls while it runs; the first call after it
   * finished answers its index, and Ratis then purges the log up to it. A RocksDB checkpoint
   * flushes the memtable first, which took 0.3–0.5 s under load: applying goes on meanwhile.
   *
   * <p>The checkpoint may hold a few entries applied after it was asked for; it is named after
   * the last entry it really holds ({@link #checkpoint(MvccStore, TermIndex)}).
   */
  @Override
  public long takeSnapshot() throws IOException {
    CompletableFuture<Long> pending = pendingSnapshot;
    if (pending != null) {
      if (!pending.isDone()) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      pendingSnapshot = null;
      long index = pending.join();
      if (index >= 0) {
        return index;
      }
    }
    MvccStore s = store();
    TermIndex ti = TermIndex.valueOf(s.appliedTerm(), s.appliedIndex());
    if (Files.exists(snapshots.pathFor(ti))) {
      return ti.getIndex();
    }
    pendingSnapshot = CompletableFuture.supplyAsync(() -> {
      try {
        return checkpoint(s, ti);
      } catch (IOException | RuntimeException e) {
        LOG.warn("[{}] snapshot at {} failed; the next request retries", nodeId, ti, e);
        return RaftLog.INVALID_LOG_INDEX;
      }
    }, snapshotter);
    return RaftLog.INVALID_LOG_INDEX;
  }

  /** Snapshots the store at its applied (term, index), unless that snapshot exists. */
  private long checkpoint(MvccStore s) throws IOException {
    return checkpoint(s, TermIndex.valueOf(s.appliedTerm(), s.appliedIndex()));
  }

  /**
   * Checkpoints the store, asked for at {@code ti}, unless that snapshot exists; returns the
   * snapshot's index. A checkpoint taken while entries are applied may hold a few entries past
   * {@code ti}: it is named after the entry it really holds last (read back from it), because
   * Ratis, after installing or loading a snapshot, hands the state machine the entries after
   * the snapshot's name, and its applied index must never go backwards.
   */
  private long checkpoint(MvccStore s, TermIndex ti) throws IOException {
    if (Files.exists(snapshots.pathFor(ti))) {
      return ti.getIndex();
    }
    long t0 = System.nanoTime();
    Path tmp = snapshots.pathFor(ti).resolveSibling(snapshots.pathFor(ti).getFileName() + ".tmp");
    SnapshotStore.deleteTree(tmp);
    s.checkpoint(tmp);
    MvccStore.AppliedPosition held = MvccStore.appliedOf(tmp);
    TermIndex actual = TermIndex.valueOf(held.term(), held.index());
    Path target = snapshots.pathFor(actual);
    if (Files.exists(target)) {
      SnapshotStore.deleteTree(tmp);
    } else {
      Files.move(tmp, target);
      snapshots.prune();
      LOG.info("[{}] took snapshot {} at revision {} in {} ms", nodeId, actual,
          s.currentRevision(), (System.nanoTime() - t0) / 1_000_000);
    }
    return actual.getIndex();
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return snapshots.getLatestSnapshot();
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  /**
   * Ratis pauses the state machine (on every chunk) while it receives a snapshot, then has the
   * apply thread call {@link #reinitialize}, which requires the PAUSED state. The store stays
   * open meanwhile: the apply thread may still apply older entries to it, and they are
   * superseded by the snapshot anyway.
   */
  @Override
  public void pause() {
    if (getLifeCycle().compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** Called after Ratis installed a snapshot from the leader: load it in place of the store. */
  @Override
  public void reinitialize() throws IOException {
    closeStore();
    var latest = snapshots.latestDir();
    if (latest.isPresent()) {
      LOG.info("[{}] loading installed snapshot {}", nodeId, latest.get().getFileName());
      installCopy(latest.get());
    }
    openStore();
    if (getLifeCycle().compareAndTransition(LifeCycle.State.PAUSED, LifeCycle.State.STARTING)) {
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  private void closeStore() {
    MvccStore s = store;
    store = null;
    if (s != null) {
      s.close();
    }
  }

  /**
   * Replaces the store directory with a copy of a checkpoint (SST files hard-linked), built
   * aside and renamed into place, so a crash leaves either no store (and the next start copies
   * the snapshot again) or a complete one. Ratis' checksum files are not part of the copy.
   */
  private void installCopy(Path checkpoint) throws IOException {
    Path tmp = storeDir.resolveSibling(storeDir.getFileName() + ".tmp");
    SnapshotStore.deleteTree(tmp);
    Files.createDirectories(tmp);
    try (Stream<Path> files = Files.list(checkpoint)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".md5")) {
          continue;
        }
        if (name.endsWith(".sst")) {
          Files.createLink(tmp.resolve(name), f);
        } else {
          Files.copy(f, tmp.resolve(name));
        }
      }
    }
    SnapshotStore.deleteTree(storeDir);
    Files.move(tmp, storeDir, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() throws IOException {
    snapshotter.shutdown(); // a checkpoint under way finishes first: closing the store waits
    try {
      if (!snapshotter.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("[{}] snapshot still running at close", nodeId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeStore();
    super.close();
  }
}
