package dev.keelson.etcd.api;

import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import dev.keelson.store.raft.RaftNode;
import dev.keelson.store.raft.proto.Result;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What every etcd service of one master shares: the Raft node, response headers stamped with
 * this master's identity, and the path from a Raft result to a gRPC reply.
 */
public final class EtcdContext {
  private final RaftNode node;
  private final long clusterId;
  private final long memberId;

  public EtcdContext(RaftNode node) {
    this.node = node;
    this.clusterId = node.config().clusterId();
    this.memberId = node.config().memberId(node.config().id());
  }

  public RaftNode node() {
    return node;
  }

  /** The header etcd sends: cluster, this member, the given revision, the current term. */
  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId)
        .setRevision(revision).setRaftTerm(node.currentTerm()).build();
  }

  /** Stamps a result's own header (which carries the revision) with this master's identity. */
  public ResponseHeader header(ResponseHeader fromResult) {
    return header(fromResult.getRevision());
  }

  public long memberId(String peerId) {
    return node.config().memberId(peerId);
  }

  boolean leaderKnown() {
    try {
      return node.leaderId().isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Unwraps a result: its payload, or the etcd error it carries. */
  static Result check(Result r) {
    if (r.hasFailure()) {
      EtcdError e;
      try {
        e = EtcdError.valueOf(r.getFailure().getError());
      } catch (IllegalArgumentException unknown) {
        e = EtcdError.TIMEOUT;
      }
      throw new EtcdException(e);
    }
    return r;
  }

  /** Completes a unary call from a future result, mapping failures in one place. */
  <T> void reply(CompletableFuture<Result> future, Function<Result, T> extract,
      StreamObserver<T> observer) {
    future.whenComplete((r, t) -> {
      if (t != null) {
        GrpcErrors.fail(observer, t, leaderKnown());
        return;
      }
      T out;
      try {
        out = extract.apply(check(r));
      } catch (RuntimeException e) {
        GrpcErrors.fail(observer, e, leaderKnown());
        return;
      }
      observer.onNext(out);
      observer.onCompleted();
    });
  }

  /** Runs a synchronous step, sending any failure as the call's error. */
  <T> void run(StreamObserver<T> observer, java.util.function.Supplier<T> body) {
    T out;
    try {
      out = body.get();
    } catch (RuntimeException e) {
      GrpcErrors.fail(observer, e, leaderKnown());
      return;
    }
    observer.onNext(out);
    observer.onCompleted();
  }
}
