package dev.keelson.etcd.api;

import dev.keelson.etcd.etcdserverpb.ClusterGrpc;
import dev.keelson.etcd.etcdserverpb.Member;
import dev.keelson.etcd.etcdserverpb.MemberListRequest;
import dev.keelson.etcd.etcdserverpb.MemberListResponse;
import dev.keelson.store.raft.RaftConfig;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Cluster service: the members of the Raft group, with etcd-style ids and URLs. The URLs
 * say https where the traffic is TLS (clients that sync their endpoints from the member list
 * connect with the scheme given here); every member is assumed to be configured alike.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final EtcdContext ctx;
  private final String clientScheme;

  public ClusterService(EtcdContext ctx) {
    this(ctx, false);
  }

  /** @param clientTls whether the etcd API is served over TLS */
  public ClusterService(EtcdContext ctx, boolean clientTls) {
    this.ctx = ctx;
    this.clientScheme = clientTls ? "https://" : "http://";
  }

  @Override
  public void memberList(MemberListRequest r, StreamObserver<MemberListResponse> out) {
    ctx.run(out, () -> {
      MemberListResponse.Builder b = MemberListResponse.newBuilder()
          .setHeader(ctx.header(ctx.node().store().currentRevision()));
      for (RaftConfig.Peer p : ctx.node().members()) {
        b.addMembers(Member.newBuilder()
            .setID(ctx.memberId(p.id()))
            .setName(p.id())
            .addPeerURLs((ctx.node().config().peerTls() != null ? "https://" : "http://")
                + p.raftAddress())
            .addClientURLs(clientScheme + p.clientAddress()));
      }
      return b.build();
    });
  }
}
