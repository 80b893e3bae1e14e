package dev.keelson.store.raft;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;

/**
 * Ratis' gRPC transport, with a leader that tells each follower a new commit index at once.
 *
 * <p>A follower applies an entry only once it knows the entry committed, and it learns that
 * from the leader's next AppendEntries. Ratis' leader sends one when it has entries to send or
 * a heartbeat falls due (half the minimum election timeout, 500 ms here); to tell followers of
 * a commit sooner it appends a metadata entry holding the new commit index
 * ({@code raft.server.log.log-metadata.enabled}), which every member writes, fsyncs and
 * applies like any other entry: one entry more per commit, two entries per write when writes
 * come one at a time. Keelson turns those entries off and uses this appender instead: when the
 * leader's commit index has moved past what a follower was last told, and there is no
 * AppendEntries on its way to that follower (which would carry the commit index), it sends a
 * heartbeat at once, nothing written to any log. A follower that forwarded a write then
 * answers it as soon as the commit reaches it, as it did with the metadata entries.
 *
 * <p>Selected as Ratis' RPC type by class name ({@code raft.rpc.type}); everything else is
 * {@link GrpcFactory}'s.
 */
public final class CommitNotice implements RpcType {
  @Override
  public String name() {
    return CommitNotice.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state,
        FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  /** One follower's appender (one thread, Ratis' loop): heartbeats at once on a new commit. */
  static final class Appender extends GrpcLogAppender {
    /** The commit index as it stood when the last AppendEntries to this follower was built. */
    private final AtomicLong told = new AtomicLong();

    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    /**
     * A commit the follower has not been told of, and nothing else on its way to tell it: the
     * follower has every entry (else those entries go next, with the commit index) and no
     * AppendEntries awaits its reply (its reply makes the leader look again).
     */
    private boolean commitToTell() {
      long commit = getRaftLog().getLastCommittedIndex();
      return commit > told.get() && commit > getFollower().getCommitIndex()
          && !hasAppendEntries() && !hasPendingDataRequests();
    }

    /** Ratis sends a heartbeat when this reaches zero. */
    @Override
    public long getHeartbeatWaitTimeMs() {
      return commitToTell() ? 0 : super.getHeartbeatWaitTimeMs();
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
        throws RaftLogIOException {
      // the commit index as it stands now: the request carries it, or less when it stops short
      // of it (entries up to the commit not yet sent), and those entries then go next; taken
      // before the request so that a commit that moves meanwhile is told again
      long commit = getRaftLog().getLastCommittedIndex();
      AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
      if (request != null) {
        told.accumulateAndGet(commit, Math::max);
      }
      return request;
    }
  }
}
