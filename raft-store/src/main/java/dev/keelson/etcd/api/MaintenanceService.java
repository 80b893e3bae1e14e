package dev.keelson.etcd.api;

import dev.keelson.etcd.etcdserverpb.AlarmRequest;
import dev.keelson.etcd.etcdserverpb.AlarmResponse;
import dev.keelson.etcd.etcdserverpb.DefragmentRequest;
import dev.keelson.etcd.etcdserverpb.DefragmentResponse;
import dev.keelson.etcd.etcdserverpb.HashKVRequest;
import dev.keelson.etcd.etcdserverpb.HashKVResponse;
import dev.keelson.etcd.etcdserverpb.MaintenanceGrpc;
import dev.keelson.etcd.etcdserverpb.StatusRequest;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.raft.RaftNode;
import dev.keelson.store.raft.proto.Query;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Maintenance service: Status and HashKV of this master, an empty alarm list, and a
 * Defragment that answers success (RocksDB reclaims space by its own compactions).
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  /** The etcd API version Keelson speaks; clients read it from Status. */
  public static final String ETCD_VERSION = "3.4.0";

  private final EtcdContext ctx;

  public MaintenanceService(EtcdContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void status(StatusRequest r, StreamObserver<StatusResponse> out) {
    ctx.run(out, () -> {
      RaftNode node = ctx.node();
      MvccStore store = node.store();
      long size = store.dbSize();
      return StatusResponse.newBuilder()
          .setHeader(ctx.header(store.currentRevision()))
          .setVersion(ETCD_VERSION)
          .setDbSize(size)
          .setDbSizeInUse(size)
          .setLeader(node.leaderId().map(ctx::memberId).orElse(0L))
          .setRaftIndex(Math.max(0, node.commitIndex()))
          .setRaftTerm(node.currentTerm())
          .setRaftAppliedIndex(Math.max(0, node.appliedIndex()))
          .build();
    });
  }

  @Override
  public void hashKV(HashKVRequest r, StreamObserver<HashKVResponse> out) {
    ctx.run(out, () -> {
      HashKVResponse h = EtcdContext.check(
          ctx.node().localRead(Query.newBuilder().setHashKv(r).build())).getHashKv();
      return h.toBuilder().setHeader(ctx.header(h.getHeader())).build();
    });
  }

  @Override
  public void alarm(AlarmRequest r, StreamObserver<AlarmResponse> out) {
    ctx.run(out, () -> AlarmResponse.newBuilder()
        .setHeader(ctx.header(ctx.node().store().currentRevision())).build());
  }

  @Override
  public void defragment(DefragmentRequest r, StreamObserver<DefragmentResponse> out) {
    ctx.run(out, () -> DefragmentResponse.newBuilder()
        .setHeader(ctx.header(ctx.node().store().currentRevision())).build());
  }
}
