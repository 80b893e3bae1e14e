package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.LeaseGrantRequest;
import dev.keelson.etcd.etcdserverpb.LeaseGrantResponse;
import dev.keelson.etcd.etcdserverpb.LeaseGrpc;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveRequest;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.keelson.etcd.etcdserverpb.LeaseLeasesRequest;
import dev.keelson.etcd.etcdserverpb.LeaseStatus;
import dev.keelson.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.PresencePoller;
import dev.keelson.server.testing.ProcessCluster;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lease outlives the leader that served its keep-alives. Three masters as separate JVMs; a
 * client keeps a 5 s lease with keys alive through the leader, stops, and the leader is SIGKILLed
 * some time before the TTL runs out. On the survivors the keys must go exactly once, all in one
 * revision, not before TTL after the last successful keep-alive was <em>sent</em>, and no later
 * than TTL plus one election (plus slack, below). The killed master, restarted, must converge on
 * the same history and have no lease left.
 *
 * <p>Times are this JVM's {@link System#nanoTime}, printed relative to the last keep-alive send.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LeaseExpiryIT {
  private static final long TTL_S = 5;
  private static final int KEEP_ALIVES = 4;
  private static final String PREFIX = "lx/";
  private static final int KEYS = 3;
  /** Default election timeout maximum: one election after the TTL is what expiry may take. */
  private static final Duration ELECTION = Duration.ofMillis(2000);
  /** For the new leader's first proposals through a freshly pointed Raft client. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  @TempDir Path dir;
  private ProcessCluster cluster;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  /** One keep-alive: when it was sent and answered, and the TTL of the answer. */
  private record KeepAlive(long sent, long answered, long ttl) {}

  @AfterEach
  void tearDown() throws Exception {
    timer.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest(name = "leader killed {0} ms after the last keep-alive")
  @ValueSource(longs = {1000, 4000})
  void keysOfALeaseWhoseLeaderDiedGoOnceNeitherBeforeTtlNorLaterThanAnElectionAfter(
      long killAfterMs) throws Exception {
    cluster = ProcessCluster.start(dir, List.of());
    cluster.runShowingLogsOnFailure(() -> run(killAfterMs));
  }

  private void run(long killAfterMs) throws Exception {
    int first = cluster.awaitLeader(Duration.ofSeconds(60));
    LeaseGrantResponse grant = leaseStub(first)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(TTL_S).build());
    long id = grant.getID();
    assertThat(grant.getTTL()).isEqualTo(TTL_S);
    List<Long> putRevs = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      putRevs.add(cluster.client(first).kv().put(PutRequest.newBuilder().setKey(key(k))
          .setValue(ByteString.copyFromUtf8("v" + k)).setLease(id).build())
          .getHeader().getRevision());
    }

    // the client: a keep-alive a second through the leader, then silence
    List<KeepAlive> keepAlives = new ArrayList<>();
    try (KeepAliveStream stream = new KeepAliveStream(cluster.client(first))) {
      for (int n = 0; n < KEEP_ALIVES; n++) {
        keepAlives.add(timer.schedule(() -> stream.once(id), n == 0 ? 0 : 1, TimeUnit.SECONDS)
            .get(20, TimeUnit.SECONDS));
      }
    }
    assertThat(keepAlives).as("keep-alives (sent, answered, TTL)")
        .allSatisfy(k -> assertThat(k.ttl()).isEqualTo(TTL_S));
    long lastSent = keepAlives.get(keepAlives.size() - 1).sent();

    // the nemesis: SIGKILL the leader killAfterMs after the last keep-alive was sent
    int victim = cluster.awaitLeader(Duration.ofSeconds(5));
    List<Integer> survivors = IntStream.range(0, cluster.size()).filter(i -> i != victim)
        .boxed().toList();
    long killedAt;
    PresencePoller.Gone gone;
    int newLeader;
    long electedAt;
    try (PresencePoller poller = PresencePoller.start(
        survivors.stream().map(cluster::client).toList(), PREFIX, KEYS, Duration.ofMillis(20))) {
      long delay = lastSent + TimeUnit.MILLISECONDS.toNanos(killAfterMs) - System.nanoTime();
      killedAt = timer.schedule(() -> {
        long at = System.nanoTime();
        cluster.kill(victim);
        return at;
      }, delay, TimeUnit.NANOSECONDS).get(30, TimeUnit.SECONDS);

      newLeader = await("a new leader among the survivors").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50)).until(cluster::leader, Optional::isPresent).get();
      electedAt = System.nanoTime();
      gone = poller.awaitGone(Duration.ofSeconds(TTL_S + 20));
    }

    long deadline = lastSent + TimeUnit.SECONDS.toNanos(TTL_S);
    long allowed = ELECTION.toNanos() + SLACK.toNanos() + gone.resolutionNanos();
    System.out.printf("LeaseExpiryIT kill +%d ms: last keep-alive sent at 0 (answered +%d ms); "
            + "leader m%d killed at +%d ms; m%d leading, seen at +%d ms; %s gone between +%d "
            + "and +%d ms on %s (resolution %d ms), %d ms after the new leader was seen; "
            + "vs TTL %+d ms (allowed up to %+d ms)%n",
        killAfterMs, ms(keepAlives.get(KEEP_ALIVES - 1).answered() - lastSent), victim + 1,
        ms(killedAt - lastSent), newLeader + 1, ms(electedAt - lastSent), PREFIX,
        ms(gone.lastPresentSent() - lastSent), ms(gone.firstGoneAnswered() - lastSent),
        gone.firstGoneEndpoint(), ms(gone.resolutionNanos()),
        ms(gone.firstGoneAnswered() - electedAt), ms(gone.firstGoneAnswered() - deadline),
        ms(allowed));

    assertThat(newLeader).isNotEqualTo(victim);
    assertThat(gone.lastPresentSent()).as("keys seen on the survivor before they went")
        .isNotEqualTo(Long.MIN_VALUE);
    assertThat(gone.firstGoneAnswered() - deadline)
        .as("ns from last keep-alive send + TTL to the keys seen gone (negative: early)")
        .isGreaterThanOrEqualTo(0);
    assertThat(gone.firstGoneAnswered() - deadline)
        .as("ns from last keep-alive send + TTL to the keys seen gone, allowed one election "
            + "+ %s + the polling resolution", SLACK)
        .isLessThanOrEqualTo(allowed);
    assertThat(gone.partial()).as("reads that saw some of the keys").isEmpty();
    assertThat(gone.reappeared()).as("reads that saw keys come back").isEmpty();

    long deleteRev = checkHistory(survivors.get(0), putRevs, -1);
    checkHistory(survivors.get(1), putRevs, deleteRev);

    cluster.start(victim);
    long rev = cluster.awaitSameRevision(deleteRev);
    assertThat(rev).as("revision once the killed master is back").isEqualTo(deleteRev);
    checkHistory(victim, putRevs, deleteRev);
    await("the same HashKV at revision " + rev + " on every master")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(cluster.hashesAt(rev)).hasSize(1));
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(leaseStub(i).leaseLeases(LeaseLeasesRequest.getDefaultInstance())
          .getLeasesList()).extracting(LeaseStatus::getID).as("leases on m%d", i + 1)
          .doesNotContain(id);
    }
    assertThat(leaseStub(victim).leaseTimeToLive(
        LeaseTimeToLiveRequest.newBuilder().setID(id).build()).getTTL())
        .as("TTL of the lease on the restarted m%d", victim + 1).isEqualTo(-1);
    try (KeepAliveStream stream = new KeepAliveStream(cluster.client(victim))) {
      assertThat(stream.once(id).ttl()).as("keep-alive TTL on the restarted master").isZero();
    }
  }

  /**
   * Reads master i's history of the keys at every revision from the first put to now: each key
   * exists from its put until one revision that deletes them all, that revision is the last
   * one, and (if given) it is {@code expectedDeleteRev}. Returns the delete revision.
   */
  private long checkHistory(int i, List<Long> putRevs, long expectedDeleteRev) {
    EtcdClient c = cluster.client(i);
    // a survivor other than the one whose reads saw the keys go may not have applied the delete
    // yet (followers apply on their own): wait until it has, then read its history
    await("m" + (i + 1) + " applied the delete").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> keysAt(c, c.status().getHeader().getRevision()).isEmpty());
    long current = c.status().getHeader().getRevision();
    long deleteRev = -1;
    for (long r = putRevs.get(0); r <= current; r++) {
      List<String> present = keysAt(c, r);
      List<String> expected = new ArrayList<>();
      for (int k = 0; k < KEYS; k++) {
        if (putRevs.get(k) <= r && (deleteRev < 0)) {
          expected.add(key(k).toStringUtf8());
        }
      }
      if (deleteRev < 0 && present.isEmpty() && r > putRevs.get(KEYS - 1)) {
        deleteRev = r;
        expected.clear();
      }
      assertThat(present).as("keys on m%d at revision %d", i + 1, r)
          .containsExactlyElementsOf(expected);
    }
    assertThat(deleteRev).as("revision deleting %s on m%d", PREFIX, i + 1).isPositive();
    assertThat(current).as("m%d's revision: nothing after the delete", i + 1)
        .isEqualTo(deleteRev);
    if (expectedDeleteRev >= 0) {
      assertThat(deleteRev).as("delete revision on m%d", i + 1).isEqualTo(expectedDeleteRev);
    }
    return deleteRev;
  }

  private static List<String> keysAt(EtcdClient c, long revision) {
    return c.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(PREFIX))
            .setRangeEnd(ByteString.copyFromUtf8("lx0")).setRevision(revision)
            .setSerializable(true).build())
        .getKvsList().stream().map(KeyValue::getKey).map(ByteString::toStringUtf8).toList();
  }

  private static ByteString key(int k) {
    return ByteString.copyFromUtf8(PREFIX + "k" + k);
  }

  private LeaseGrpc.LeaseBlockingStub leaseStub(int i) {
    return LeaseGrpc.newBlockingStub(cluster.client(i).channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** A LeaseKeepAlive stream used one request at a time. */
  private static final class KeepAliveStream implements AutoCloseable {
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final StreamObserver<LeaseKeepAliveRequest> requests;

    KeepAliveStream(EtcdClient c) {
      requests = LeaseGrpc.newStub(c.channel()).leaseKeepAlive(new StreamObserver<>() {
        @Override
        public void onNext(LeaseKeepAliveResponse r) {
          replies.add(r);
        }

        @Override
        public void onError(Throwable t) {
          replies.add(t);
        }

        @Override
        public void onCompleted() {}
      });
    }

    /** Sends one keep-alive and waits, 10 s at most, for its answer. */
    KeepAlive once(long id) throws InterruptedException {
      long sent = System.nanoTime();
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
      Object reply = replies.poll(10, TimeUnit.SECONDS);
      long answered = System.nanoTime();
      if (!(reply instanceof LeaseKeepAliveResponse r)) {
        throw new AssertionError("keep-alive of " + Long.toHexString(id) + " not answered: "
            + reply);
      }
      assertThat(r.getID()).isEqualTo(id);
      return new KeepAlive(sent, answered, r.getTTL());
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }
}
