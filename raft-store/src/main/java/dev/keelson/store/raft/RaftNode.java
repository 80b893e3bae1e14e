package dev.keelson.store.raft;

import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Query;
import dev.keelson.store.raft.proto.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master's Raft peer: a Ratis server holding the {@link KvStateMachine}, and a Ratis client
 * through which this master proposes writes (to whichever peer leads) and runs linearizable
 * reads (ReadIndex, served by this master's own state machine).
 */
public final class RaftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  /** How long a write's reply waits for this master's own apply before going out anyway. */
  private static final long LOCAL_APPLY_WAIT_MS = 5000;

  private final RaftConfig config;
  private final RaftGroup group;
  private final RaftPeerId self;
  private final KvStateMachine stateMachine;
  private final RaftServer server;
  private final RaftProperties clientProps;
  /** Ratis' non-property settings: the mutual-TLS configuration, if any. */
  private final Parameters parameters;
  private final ClientId localClientId = ClientId.randomId();
  private final java.util.concurrent.atomic.AtomicLong localCallIds =
      new java.util.concurrent.atomic.AtomicLong();
  /**
   * Runs what follows a Raft reply (the next batch or read round, linearizable reads) off
   * Ratis' threads: starting a Raft call from inside Ratis' completion can deadlock on its locks.
   */
  private final java.util.concurrent.ExecutorService callbacks =
      java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "raft-callbacks");
        t.setDaemon(true);
        return t;
      });
  private final ReadBarrier readBarrier = new ReadBarrier(this::readIndexRound, callbacks);
  private final Proposer<Committed> proposer = new Proposer<>(this::commit, this::settle,
      callbacks, Integer.getInteger("keelson.raft.max-inflight", 1), 1000, 2L << 20);
  /** Replaced when Ratis closes it: an ordered async client is unusable after a retry failure. */
  private final AtomicReference<RaftClient> client = new AtomicReference<>();

  private RaftNode(RaftConfig config, KvStateMachine.StoreListener listener) throws IOException {
    this.config = config;
    this.self = RaftPeerId.valueOf(config.id());
    this.group = RaftGroup.valueOf(groupId(config.clusterToken()),
        config.peers().stream().map(p -> RaftPeer.newBuilder().setId(p.id())
            .setAddress(p.raftAddress()).build()).toList());
    this.stateMachine = new KvStateMachine(config.id(), config.dataDir(), listener);

    RaftProperties props = serverProperties(config);
    Path raftDir = config.dataDir().resolve("raft");
    boolean existing = Files.isDirectory(raftDir.resolve(group.getGroupId().getUuid().toString()));
    Files.createDirectories(raftDir);
    this.parameters = parameters(config);
    this.server = RaftServer.newBuilder()
        .setServerId(self)
        .setGroup(group)
        .setProperties(props)
        .setParameters(parameters)
        .setStateMachine(stateMachine)
        .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();

    this.clientProps = new RaftProperties();
    RaftConfigKeys.Rpc.setType(clientProps, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(clientProps, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(clientProps, 1000);
    this.client.set(newClient());
  }

  private RaftClient newClient() {
    return RaftClient.newBuilder()
        .setProperties(clientProps)
        .setParameters(parameters)
        .setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            config.clientRetries(), TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
  }

  /** Swaps in a fresh client if {@code failed} is still the current one. */
  private void replaceClient(RaftClient failed, Throwable cause) {
    RaftClient fresh = newClient();
    if (client.compareAndSet(failed, fresh)) {
      LOG.warn("[{}] raft client failed ({}); replaced it", config.id(), cause.toString());
      closeQuietly(failed);
    } else {
      closeQuietly(fresh);
    }
  }

  private static void closeQuietly(RaftClient c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing raft client", e);
    }
  }

  private CompletableFuture<RaftClientReply> call(
      java.util.function.Function<RaftClient, CompletableFuture<RaftClientReply>> send) {
    RaftClient c = client.get();
    return send.apply(c).whenComplete((reply, t) -> {
      Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (cause instanceof AlreadyClosedException || cause instanceof RaftRetryFailureException) {
        replaceClient(c, cause);
      }
    });
  }

  /** Builds and starts the peer; it joins the group and recovers from its own disk. */
  public static RaftNode start(RaftConfig config, KvStateMachine.StoreListener listener)
      throws IOException {
    RaftNode node = new RaftNode(config, listener);
    node.server.start();
    LOG.info("[{}] raft peer started on {} in group {}", config.id(),
        config.self().raftAddress(), node.group.getGroupId());
    return node;
  }

  /**
   * Mutual TLS for everything Ratis sends (server to server, our client to the servers, admin):
   * each side presents the peer certificate and accepts only certificates the cluster CA signed.
   */
  static Parameters parameters(RaftConfig c) throws IOException {
    Parameters p = new Parameters();
    if (c.peerTls() != null) {
      GrpcTlsConfig tls = new GrpcTlsConfig(c.peerTls().key().toFile(),
          c.peerTls().cert().toFile(), c.peerTls().ca().toFile(), true);
      GrpcConfigKeys.TLS.setConf(p, tls);
      GrpcConfigKeys.Server.setTlsConf(p, tls);
      GrpcConfigKeys.Client.setTlsConf(p, tls);
      GrpcConfigKeys.Admin.setTlsConf(p, tls);
    }
    return p;
  }

  static RaftProperties serverProperties(RaftConfig c) {
    RaftProperties p = new RaftProperties();
    // gRPC, with a leader that tells followers of a commit by a heartbeat at once instead of a
    // metadata entry in the log (CommitNotice)
    RaftConfigKeys.Rpc.setType(p, new CommitNotice());
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    String raft = c.self().raftAddress();
    GrpcConfigKeys.Server.setHost(p, raft.substring(0, raft.lastIndexOf(':')));
    GrpcConfigKeys.Server.setPort(p, port(raft));
    RaftServerConfigKeys.setStorageDir(p, List.of(c.dataDir().resolve("raft").toFile()));
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(c.electionTimeoutMinMs(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(c.electionTimeoutMaxMs(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    // ReadIndex confirms leadership by a heartbeat round; while a majority acknowledged an append
    // sent less than 0.9 x the minimum election timeout ago (the leader's own monotonic clock;
    // no follower can have started an election since), the leader answers from its lease.
    // Without it a read on an idle cluster waited for the next heartbeat: up to ~500 ms.
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotThreshold());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.max(1, c.snapshotThreshold() / 2));
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, c.logPreserveEntries());
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(c.logSegmentBytes()));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    // any Ratis server key may be overridden for tuning: -Draft.server.log.force.sync.num=...
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("raft."))
        .forEach(k -> p.set(k, System.getProperty(k)));
    return p;
  }

  static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  static RaftGroupId groupId(String clusterToken) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
        ("keelson-group:" + clusterToken).getBytes(StandardCharsets.UTF_8)));
  }

  public RaftConfig config() {
    return config;
  }

  public MvccStore store() {
    return stateMachine.store();
  }

  /** Proposes a command through Raft and returns its applied result (or an etcd error). */
  public CompletableFuture<Result> write(Command cmd) {
    return Proposer.batchable(cmd) ? proposer.submit(cmd) : propose(cmd);
  }

  /** An entry the leader applied: its result there, and its log index. */
  private record Committed(Result result, long index) {}

  /** Proposes one entry. */
  private CompletableFuture<Result> propose(Command cmd) {
    return commit(cmd).thenCompose(this::settle);
  }

  /** Proposes one entry; completes when the leader has applied it. */
  private CompletableFuture<Committed> commit(Command cmd) {
    Message m = Message.valueOf(ByteString.copyFrom(cmd.toByteArray()));
    CompletableFuture<RaftClientReply> sent = isLeader()
        ? submitLocally(m, RaftClientRequest.writeRequestType()).thenComposeAsync(reply ->
            notLeader(reply) ? call(c -> c.async().send(m)) : CompletableFuture.completedFuture(reply),
            callbacks)
        : call(c -> c.async().send(m));
    return sent.thenApply(reply -> new Committed(resultOf(reply), reply.getLogIndex()));
  }

  /**
   * The result, once this master applied the entry too (the leader answered for itself), so
   * the client's next request here sees the write; a master that cannot catch up in time does
   * not hold a committed result back.
   */
  private CompletableFuture<Result> settle(Committed c) {
    return stateMachine.awaitApplied(c.index())
        .completeOnTimeout(null, LOCAL_APPLY_WAIT_MS, TimeUnit.MILLISECONDS)
        .thenApply(v -> c.result());
  }

  /**
   * Hands a request to this master's own Raft server, without the loopback gRPC round trip
   * of the Ratis client: proposals while this master leads, and every linearizable read (the
   * server itself runs ReadIndex with whichever peer leads).
   */
  private CompletableFuture<RaftClientReply> submitLocally(Message m, RaftClientRequest.Type type) {
    try {
      return server.submitClientRequestAsync(RaftClientRequest.newBuilder()
          .setClientId(localClientId).setServerId(self).setGroupId(group.getGroupId())
          .setCallId(localCallIds.incrementAndGet()).setMessage(m).setType(type).build());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The request was not taken: this master no longer (or not yet) leads. */
  private static boolean notLeader(RaftClientReply reply) {
    return !reply.isSuccess() && (reply.getNotLeaderException() != null
        || reply.getException() instanceof LeaderNotReadyException);
  }

  /**
   * A linearizable read: a ReadIndex round through the leader (shared with the reads that
   * arrive meanwhile, {@link ReadBarrier}), then this master's own store.
   */
  public CompletableFuture<Result> linearizableRead(Query q) {
    return readBarrier.await().thenApplyAsync(v -> localRead(q), callbacks);
  }

  /** One ReadIndex round: an empty query, answered once this master applied the read index. */
  private CompletableFuture<RaftClientReply> readIndexRound() {
    Message m = Message.valueOf(ByteString.copyFrom(Query.getDefaultInstance().toByteArray()));
    return submitLocally(m, RaftClientRequest.readRequestType()).thenComposeAsync(reply ->
        reply.isSuccess() ? CompletableFuture.completedFuture(reply)
            : call(c -> c.async().sendReadOnlyUnordered(m, self)), callbacks)
        .thenApply(reply -> {
          resultOf(reply); // throws if it failed
          return reply;
        });
  }

  /** A serializable read of this master's state, without Raft. */
  public Result localRead(Query q) {
    return KvStateMachine.runQuery(store(), q);
  }

  private static Result resultOf(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new CompletionException(reply.getException() != null
          ? reply.getException() : new EtcdException(EtcdError.TIMEOUT));
    }
    try {
      return Result.parseFrom(reply.getMessage().getContent().toByteArray());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new CompletionException(e);
    }
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new EtcdException(EtcdError.STOPPED);
    }
  }

  public long currentTerm() {
    return division().getInfo().getCurrentTerm();
  }

  public Optional<String> leaderId() {
    RaftPeerId leader = division().getInfo().getLeaderId();
    return Optional.ofNullable(leader).map(RaftPeerId::toString);
  }

  public boolean isLeader() {
    return division().getInfo().isLeader();
  }

  /** Leader of the current term, with every entry of earlier terms applied here. */
  public boolean isLeaderReady() {
    try {
      return division().getInfo().isLeaderReady();
    } catch (RuntimeException e) {
      return false;
    }
  }

  public long commitIndex() {
    return division().getRaftLog().getLastCommittedIndex();
  }

  public long appliedIndex() {
    return division().getInfo().getLastAppliedIndex();
  }

  /** The peers of the current Raft configuration. */
  public List<RaftConfig.Peer> members() {
    return division().getRaftConf().getCurrentPeers().stream()
        .map(p -> config.peers().stream().filter(c -> c.id().equals(p.getId().toString()))
            .findFirst().orElse(new RaftConfig.Peer(p.getId().toString(), p.getAddress(), "")))
        .sorted(java.util.Comparator.comparing(RaftConfig.Peer::id))
        .toList();
  }

  @Override
  public void close() throws IOException {
    callbacks.shutdownNow();
    try {
      closeQuietly(client.get());
    } finally {
      server.close();
    }
  }
}
