package dev.keelson.store.lease;

import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.mvcc.StoredLease;
import dev.keelson.store.raft.KvStateMachine;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.LeaseExpire;
import dev.keelson.store.raft.proto.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master's lease countdowns, and, on the leader, the decision that a lease expired.
 *
 * <p>Every master restarts a lease's countdown when it <em>applies</em> the lease's grant or
 * renewal (keep-alives are replicated, see {@code LeaseService}), and gives every lease a fresh
 * full TTL when its store opens (start, snapshot install). So the countdown on any master ends no
 * sooner than the one on the master that served the last keep-alive: whichever master leads
 * next, and whenever, it never expires a lease early, and, having applied the same renewals, it
 * expires it within about one election of the time the old leader would have.
 *
 * <p>Only the leader acts, and only once it has applied every earlier entry ({@code
 * leaderReady}): {@link #runOnce} proposes a {@link LeaseExpire} naming the renewal its
 * countdown started from; the state machine refuses it if a renewal was applied in between, so
 * an expiry never overtakes a keep-alive the client saw succeed. Revocation through the log
 * deletes the keys exactly once.
 *
 * <p>Thread-safety: the apply thread calls the listener methods, the expiry thread calls
 * {@link #runOnce}, API threads read; state is one concurrent map of immutable entries.
 */
public final class Lessor implements KvStateMachine.StoreListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lessor.class);
  /** How long an unanswered expiry proposal blocks the next one for the same lease. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final String nodeId;
  private final long minTtlSeconds;
  private final LongSupplier nanoClock;
  private final Map<Long, Countdown> leases = new ConcurrentHashMap<>();
  private final Map<Long, Long> proposedAt = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService timer;
  private volatile BooleanSupplier leaderReady = () -> false;
  private volatile Function<Command, CompletableFuture<Result>> propose;

  /** A lease's countdown on this master. */
  record Countdown(long ttlSeconds, long renewedIndex, long deadlineNanos) {}

  /**
   * @param minTtlSeconds etcd's rule: ceil(1.5 × election timeout); shorter grants are raised
   * @param nanoClock monotonic time, injectable for tests
   */
  public Lessor(String nodeId, long minTtlSeconds, LongSupplier nanoClock) {
    this.nodeId = nodeId;
    this.minTtlSeconds = minTtlSeconds;
    this.nanoClock = nanoClock;
  }

  /** etcd's minimum lease TTL for an election timeout: ceil(1.5 × timeout), in seconds. */
  public static long minTtlFor(long electionTimeoutMs) {
    return Math.max(1, (3 * electionTimeoutMs / 2 + 999) / 1000);
  }

  public long minTtlSeconds() {
    return minTtlSeconds;
  }

  /**
   * Starts expiring leases: every {@code periodMs}, when {@code leaderReady} holds, proposes
   * expiries through {@code propose}.
   */
  public void start(BooleanSupplier leaderReady,
      Function<Command, CompletableFuture<Result>> propose, long periodMs) {
    this.leaderReady = leaderReady;
    this.propose = propose;
    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "lessor-" + nodeId);
      th.setDaemon(true);
      return th;
    });
    t.scheduleWithFixedDelay(() -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        LOG.warn("[{}] lease expiry round failed", nodeId, e);
      }
    }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    this.timer = t;
  }

  // ---- from the state machine (apply thread) -------------------------------------------

  @Override
  public void storeOpened(MvccStore store) {
    reset(store.leases());
  }

  @Override
  public void leaseRenewed(long id, long ttl, long index) {
    renewed(id, ttl, index);
  }

  @Override
  public void leaseRevoked(long id) {
    revoked(id);
  }

  /** The store (re)opened: every lease it holds starts a fresh, full countdown. */
  public void reset(List<StoredLease> stored) {
    long now = nanoClock.getAsLong();
    leases.clear();
    proposedAt.clear();
    for (StoredLease l : stored) {
      leases.put(l.id(), countdown(l.ttl(), l.renewedIndex(), now));
    }
    LOG.info("[{}] {} leases, each with a fresh TTL", nodeId, stored.size());
  }

  public void renewed(long id, long ttlSeconds, long index) {
    leases.put(id, countdown(ttlSeconds, index, nanoClock.getAsLong()));
    proposedAt.remove(id);
  }

  public void revoked(long id) {
    leases.remove(id);
    proposedAt.remove(id);
  }

  private static Countdown countdown(long ttl, long index, long now) {
    return new Countdown(ttl, index, now + TimeUnit.SECONDS.toNanos(ttl));
  }

  // ---- reads ----------------------------------------------------------------------------

  /** Remaining time of a lease on this master's countdown, or -1 if it has none. */
  public long remainingNanos(long id) {
    Countdown c = leases.get(id);
    return c == null ? -1 : Math.max(0, c.deadlineNanos() - nanoClock.getAsLong());
  }

  public boolean exists(long id) {
    return leases.containsKey(id);
  }

  // ---- expiry (leader) -----------------------------------------------------------------

  /** One expiry round: proposes an expiry for every lease whose countdown ran out. */
  public int runOnce() {
    if (propose == null || !leaderReady.getAsBoolean()) {
      return 0;
    }
    long now = nanoClock.getAsLong();
    List<Map.Entry<Long, Countdown>> due = new ArrayList<>();
    for (Map.Entry<Long, Countdown> e : leases.entrySet()) {
      Long last = proposedAt.get(e.getKey());
      if (e.getValue().deadlineNanos() <= now && (last == null || now - last >= RETRY_NANOS)) {
        due.add(e);
      }
    }
    for (Map.Entry<Long, Countdown> e : due) {
      long id = e.getKey();
      proposedAt.put(id, now);
      Command cmd = Command.newBuilder().setLeaseExpire(LeaseExpire.newBuilder().setId(id)
          .setRenewedIndex(e.getValue().renewedIndex())).build();
      propose.apply(cmd).whenComplete((r, t) -> {
        if (t != null) {
          LOG.debug("[{}] expiry of lease {} not committed: {}", nodeId, Long.toHexString(id),
              t.toString());
          proposedAt.remove(id);
        } else if (!r.hasFailure()) {
          LOG.debug("[{}] lease {} expired", nodeId, Long.toHexString(id));
        }
      });
    }
    return due.size();
  }

  @Override
  public void close() {
    ScheduledExecutorService t = timer;
    if (t != null) {
      t.shutdownNow();
    }
  }
}
