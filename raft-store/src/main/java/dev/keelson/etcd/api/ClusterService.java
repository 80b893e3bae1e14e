package dev.keelson.etcd.api;

import dev.keelson.etcd.etcdserverpb.ClusterGrpc;
import dev.keelson.etcd.etcdserverpb.Member;
import dev.keelson.etcd.etcdserverpb.MemberListRequest;
import dev.keelson.etcd.etcdserverpb.MemberListResponse;
import dev.keelson.store.raft.RaftConfig;
import io.grpc.stub.StreamObserver;

/** etcd's Cluster service: the members of the Raft group, with etcd-style ids and URLs. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final EtcdContext ctx;

  public ClusterService(EtcdContext ctx) {
    this.ctx = ctx;
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
            .addPeerURLs("http://" + p.raftAddress())
            .addClientURLs("http://" + p.clientAddress()));
      }
      return b.build();
    });
  }
}
