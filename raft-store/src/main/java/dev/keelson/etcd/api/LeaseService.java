package dev.keelson.etcd.api;

import dev.keelson.etcd.etcdserverpb.LeaseGrantRequest;
import dev.keelson.etcd.etcdserverpb.LeaseGrantResponse;
import dev.keelson.etcd.etcdserverpb.LeaseGrpc;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveRequest;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.keelson.etcd.etcdserverpb.LeaseLeasesRequest;
import dev.keelson.etcd.etcdserverpb.LeaseLeasesResponse;
import dev.keelson.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.keelson.etcd.etcdserverpb.LeaseRevokeResponse;
import dev.keelson.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import dev.keelson.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import dev.keelson.store.lease.Lessor;
import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Query;
import dev.keelson.store.raft.proto.Result;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * etcd's Lease service on any master. Grants, revocations and keep-alives all go through Raft,
 * so every master's {@link Lessor} restarts the same countdowns; expiry is the leader's (see
 * there). Time-to-live is answered after ReadIndex, from this master's countdown.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final EtcdContext ctx;
  private final Lessor lessor;
  private final IdGenerator ids;

  public LeaseService(EtcdContext ctx, Lessor lessor) {
    this.ctx = ctx;
    this.lessor = lessor;
    this.ids = new IdGenerator(ctx.memberId(ctx.node().config().id()));
  }

  @Override
  public void leaseGrant(LeaseGrantRequest r, StreamObserver<LeaseGrantResponse> out) {
    LeaseGrantRequest g = r.toBuilder()
        .setID(r.getID() != 0 ? r.getID() : ids.next())
        .setTTL(Math.max(r.getTTL(), lessor.minTtlSeconds()))
        .build();
    ctx.reply(ctx.node().write(Command.newBuilder().setLeaseGrant(g).build()),
        res -> res.getLeaseGrant().toBuilder()
            .setHeader(ctx.header(res.getLeaseGrant().getHeader())).build(), out);
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest r, StreamObserver<LeaseRevokeResponse> out) {
    ctx.reply(ctx.node().write(Command.newBuilder().setLeaseRevoke(r).build()),
        res -> res.getLeaseRevoke().toBuilder()
            .setHeader(ctx.header(res.getLeaseRevoke().getHeader())).build(), out);
  }

  /**
   * Each keep-alive is a replicated renewal, answered in order. The header's revision is taken
   * before the renewal, as etcd does. An unknown or revoked lease gets TTL 0.
   */
  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
      StreamObserver<LeaseKeepAliveResponse> out) {
    return new StreamObserver<>() {
      private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
      private volatile boolean done;

      @Override
      public synchronized void onNext(LeaseKeepAliveRequest req) {
        long revision = currentRevision();
        tail = tail.thenCompose(v -> done ? CompletableFuture.completedFuture(null)
            : renew(req.getID(), revision).handle((resp, t) -> {
              send(resp, t);
              return null;
            }));
      }

      private synchronized void send(LeaseKeepAliveResponse resp, Throwable t) {
        if (done) {
          return;
        }
        if (t != null) {
          done = true;
          GrpcErrors.fail(out, t, ctx.leaderKnown());
          return;
        }
        try {
          out.onNext(resp);
        } catch (RuntimeException e) {
          done = true; // the call was cancelled under us
        }
      }

      @Override
      public void onError(Throwable t) {
        done = true;
      }

      @Override
      public synchronized void onCompleted() {
        tail = tail.thenRun(() -> {
          synchronized (this) {
            if (!done) {
              done = true;
              out.onCompleted();
            }
          }
        });
      }
    };
  }

  private CompletableFuture<LeaseKeepAliveResponse> renew(long id, long revision) {
    Command cmd = Command.newBuilder().setLeaseRenew(LeaseKeepAliveRequest.newBuilder()
        .setID(id)).build();
    return ctx.node().write(cmd).thenApply(res -> {
      LeaseKeepAliveResponse.Builder b = LeaseKeepAliveResponse.newBuilder().setID(id)
          .setHeader(ctx.header(revision));
      if (res.hasFailure()) {
        if (!EtcdError.LEASE_NOT_FOUND.name().equals(res.getFailure().getError())) {
          throw new EtcdException(EtcdError.TIMEOUT);
        }
        return b.setTTL(0).build();
      }
      return b.setTTL(res.getLeaseRenew().getTTL()).build();
    });
  }

  @Override
  public void leaseTimeToLive(LeaseTimeToLiveRequest r,
      StreamObserver<LeaseTimeToLiveResponse> out) {
    CompletableFuture<Result> read = ctx.node().linearizableRead(
        Query.newBuilder().setLeaseTimeToLive(r).build());
    read.whenComplete((res, t) -> {
      if (t != null) {
        GrpcErrors.fail(out, t, ctx.leaderKnown());
        return;
      }
      LeaseTimeToLiveResponse resp;
      long remaining = lessor.remainingNanos(r.getID());
      if (res.hasFailure() || remaining < 0) {
        resp = LeaseTimeToLiveResponse.newBuilder().setID(r.getID()).setTTL(-1)
            .setHeader(ctx.header(currentRevision())).build();
      } else {
        resp = res.getLeaseTimeToLive().toBuilder()
            .setTTL(TimeUnit.NANOSECONDS.toSeconds(remaining))
            .setHeader(ctx.header(currentRevision())).build();
      }
      out.onNext(resp);
      out.onCompleted();
    });
  }

  /**
   * Read after ReadIndex, so a lease granted or revoked through any master just before is (or
   * is no longer) listed; etcd 3.4 reads its local state.
   */
  @Override
  public void leaseLeases(LeaseLeasesRequest r, StreamObserver<LeaseLeasesResponse> out) {
    ctx.reply(ctx.node().linearizableRead(Query.newBuilder().setLeaseLeases(r).build()),
        res -> res.getLeaseLeases().toBuilder()
            .setHeader(ctx.header(res.getLeaseLeases().getHeader())).build(), out);
  }

  private long currentRevision() {
    try {
      return ctx.node().store().currentRevision();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Lease ids chosen by this master, positive and unique across masters: the member id's low
   * 16 bits, then milliseconds since start-up and a counter (etcd's idutil has the same shape).
   */
  static final class IdGenerator {
    private final long prefix;
    private final AtomicLong next;

    IdGenerator(long memberId) {
      this.prefix = (memberId & 0x7FFFL) << 48;
      this.next = new AtomicLong((System.currentTimeMillis() & 0xFF_FFFF_FFFFL) << 8);
    }

    long next() {
      long id = prefix | (next.incrementAndGet() & 0xFFFF_FFFF_FFFFL);
      return id == 0 ? next() : id;
    }
  }
}
