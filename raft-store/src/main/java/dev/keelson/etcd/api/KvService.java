package dev.keelson.etcd.api;

import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.CompactionResponse;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeResponse;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.PutResponse;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.TxnResponse;
import dev.keelson.fault.FaultPoints;
import dev.keelson.store.mvcc.RequestChecks;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Query;
import dev.keelson.store.raft.proto.Result;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's KV service. Requests are checked here, writes go through Raft from any master,
 * linearizable ranges use ReadIndex, serializable ranges read this master's store.
 */
public final class KvService extends KVGrpc.KVImplBase {
  private final EtcdContext ctx;

  public KvService(EtcdContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void range(RangeRequest r, StreamObserver<RangeResponse> out) {
    CompletableFuture<Result> result;
    try {
      RequestChecks.range(r);
      Query q = Query.newBuilder().setRange(r).build();
      result = r.getSerializable()
          ? CompletableFuture.completedFuture(ctx.node().localRead(q))
          : ctx.node().linearizableRead(q);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    ctx.reply(result, res -> res.getRange().toBuilder()
        .setHeader(ctx.header(res.getRange().getHeader())).build(), out);
  }

  @Override
  public void put(PutRequest r, StreamObserver<PutResponse> out) {
    if (FaultPoints.every(FaultPoints.LOSE_ACKED_PUT, FaultPoints.LOSE_ACKED_PUT_EVERY)) {
      // test-only bug (off unless -Dkeelson.faults names it): success for a write never made
      out.onNext(PutResponse.newBuilder().setHeader(ctx.header(ResponseHeader.getDefaultInstance()))
          .build());
      out.onCompleted();
      return;
    }
    ctx.reply(propose(() -> RequestChecks.put(r), Command.newBuilder().setPut(r)),
        res -> res.getPut().toBuilder().setHeader(ctx.header(res.getPut().getHeader())).build(),
        out);
  }

  @Override
  public void deleteRange(DeleteRangeRequest r, StreamObserver<DeleteRangeResponse> out) {
    ctx.reply(propose(() -> RequestChecks.deleteRange(r), Command.newBuilder().setDeleteRange(r)),
        res -> res.getDeleteRange().toBuilder()
            .setHeader(ctx.header(res.getDeleteRange().getHeader())).build(), out);
  }

  @Override
  public void txn(TxnRequest r, StreamObserver<TxnResponse> out) {
    ctx.reply(propose(() -> RequestChecks.txn(r), Command.newBuilder().setTxn(r)),
        res -> res.getTxn().toBuilder().setHeader(ctx.header(res.getTxn().getHeader())).build(),
        out);
  }

  @Override
  public void compact(CompactionRequest r, StreamObserver<CompactionResponse> out) {
    ctx.reply(propose(() -> { }, Command.newBuilder().setCompaction(r)),
        res -> res.getCompaction().toBuilder()
            .setHeader(ctx.header(res.getCompaction().getHeader())).build(), out);
  }

  private CompletableFuture<Result> propose(Runnable check, Command.Builder cmd) {
    try {
      check.run();
      Command c = cmd.build();
      RequestChecks.size(c.getSerializedSize());
      return ctx.node().write(c);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
