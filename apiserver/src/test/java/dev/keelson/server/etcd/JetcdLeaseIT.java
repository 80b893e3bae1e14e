package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.Jetcd;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.PresencePoller;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jetcd 0.8.5 Java client's Lease API, and KV calls that carry a lease, against three
 * in-process masters. jetcd 0.8.5 has no {@code leases()} call and no lease compare target, so
 * the lease compare goes through our raw gRPC stub (and {@code lease list} is in
 * {@link LeaseIT}).
 *
 * <p>Every lease with keys is revoked or expired before its test ends.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JetcdLeaseIT {
  private static final long TIMEOUT_S = 15;
  @TempDir static Path dir;
  static LocalCluster cluster;
  static Client client;
  static KV kv;
  static Lease lease;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir);
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = Jetcd.client(cluster, cluster.endpoints());
    kv = client.getKVClient();
    lease = client.getLeaseClient();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void grantedLeaseShowsItsTtlAndAttachedKeysInTimeToLive() throws Exception {
    long id = get(lease.grant(60)).getID();
    try {
      put("jttl/a", PutOption.builder().withLeaseId(id).build());
      put("jttl/b", PutOption.builder().withLeaseId(id).build());
      put("jttl/free", PutOption.DEFAULT);

      assertThat(one("jttl/a").getLease()).isEqualTo(id);
      assertThat(one("jttl/free").getLease()).isZero();

      LeaseTimeToLiveResponse ttl = get(lease.timeToLive(id,
          LeaseOption.builder().withAttachedKeys().build()));
      assertThat(ttl.getID()).isEqualTo(id);
      assertThat(ttl.getGrantedTTL()).isEqualTo(60);
      assertThat(ttl.getTTL()).isBetween(50L, 60L);
      assertThat(ttl.getKeys()).extracting(JetcdLeaseIT::text)
          .containsExactly("jttl/a", "jttl/b");

      assertThat(get(lease.timeToLive(id, LeaseOption.DEFAULT)).getKeys()).isEmpty();
    } finally {
      get(lease.revoke(id));
    }
  }

  @Test
  void grantBelowTheMinimumIsRaisedToTwoSeconds() throws Exception {
    assertThat(get(lease.grant(1)).getTTL()).isEqualTo(2);
  }

  @Test
  void keepAliveObserverHearsEveryRenewalAndTheLeaseOutlivesItsTtl() throws Exception {
    long id = get(lease.grant(2)).getID();
    long granted = System.nanoTime();
    put("jka/k", PutOption.builder().withLeaseId(id).build());

    List<LeaseKeepAliveResponse> heard = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    long stoppedAt;
    try (CloseableClient keepAlive = lease.keepAlive(id, new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse r) {
        heard.add(r);
      }

      @Override
      public void onError(Throwable t) {
        failed.complete(t);
      }

      @Override
      public void onCompleted() {
        failed.complete(new AssertionError("keep-alive completed while in use"));
      }
    })) {
      await("jka/k to stay through 3 TTLs of jetcd keep-alives").during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(100))
          .until(() -> count("jka/") == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - granted))
          .isGreaterThan(Duration.ofSeconds(6));
      assertThat(failed).isNotDone();
      assertThat(heard).as("keep-alive responses").hasSizeGreaterThanOrEqualTo(4)
          .allSatisfy(r -> {
            assertThat(r.getID()).isEqualTo(id);
            assertThat(r.getTTL()).isEqualTo(2);
          });
    } finally {
      stoppedAt = System.nanoTime();
    }

    try (PresencePoller poller = PresencePoller.start(clients(), "jka/", 1,
        Duration.ofMillis(25))) {
      PresencePoller.Gone gone = poller.awaitGone(Duration.ofSeconds(8));
      assertThat(Duration.ofNanos(gone.firstGoneAnswered() - stoppedAt))
          .as("from closing the keep-alive to jka/k seen gone")
          .isLessThanOrEqualTo(Duration.ofSeconds(2 + 3));
      assertThat(gone.reappeared()).isEmpty();
    }
    assertThat(get(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL()).isEqualTo(-1);
  }

  @Test
  void revokeDeletesTheAttachedKeysInOneRevision() throws Exception {
    long id = get(lease.grant(60)).getID();
    for (String k : List.of("jrv/a", "jrv/b")) {
      put(k, PutOption.builder().withLeaseId(id).build());
    }
    put("jrv/free", PutOption.DEFAULT);
    long before = get(kv.get(bytes("jrv/"), GetOption.builder().isPrefix(true).build()))
        .getHeader().getRevision();

    long revoked = get(lease.revoke(id)).getHeader().getRevision();

    assertThat(revoked).as("revision in the revoke reply").isEqualTo(before + 1);
    assertThat(keys("jrv/", 0)).containsExactly("jrv/free");
    assertThat(keys("jrv/", before)).containsExactly("jrv/a", "jrv/b", "jrv/free");
    assertThat(get(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL()).isEqualTo(-1);
    assertThatThrownBy(() -> get(lease.revoke(id)))
        .hasMessageContaining("etcdserver: requested lease not found");
  }

  @Test
  void txnPutAttachesALeaseAndTheLeaseCompareSeesIt() throws Exception {
    long id = get(lease.grant(60)).getID();
    try {
      boolean ok = get(kv.txn()
          .If(new Cmp(bytes("jtx/k"), Cmp.Op.EQUAL, CmpTarget.version(0)))
          .Then(Op.put(bytes("jtx/k"), bytes("v"), PutOption.builder().withLeaseId(id).build()))
          .commit()).isSucceeded();
      assertThat(ok).isTrue();
      assertThat(one("jtx/k").getLease()).isEqualTo(id);

      // etcd's Compare target LEASE (4), which jetcd 0.8.5 cannot express
      assertThat(leaseCompare("jtx/k", id)).isTrue();
      assertThat(leaseCompare("jtx/k", id + 1)).isFalse();
      assertThat(leaseCompare("jtx/missing", 0)).as("a missing key compares as lease 0").isTrue();

      assertThatThrownBy(() -> get(kv.txn()
          .Then(Op.put(bytes("jtx/other"), bytes("v"),
              PutOption.builder().withLeaseId(0xdeadbeefL).build()))
          .commit()))
          .hasMessageContaining("etcdserver: requested lease not found");
      assertThat(keys("jtx/", 0)).containsExactly("jtx/k");
    } finally {
      get(lease.revoke(id));
    }
  }

  @Test
  void keyOnAnExpiredLeaseIsDeletedAfterTheTtlAndWithinThreeSecondsMore() throws Exception {
    long grantSent = System.nanoTime();
    long id = get(lease.grant(2)).getID();
    long grantReplied = System.nanoTime();
    put("jexp/k", PutOption.builder().withLeaseId(id).build());

    PresencePoller.Gone gone;
    try (PresencePoller poller = PresencePoller.start(clients(), "jexp/", 1,
        Duration.ofMillis(25))) {
      gone = poller.awaitGone(Duration.ofSeconds(8));
    }
    System.out.printf("JetcdLeaseIT expiry: jexp/k last seen %d ms and first seen gone %d-%d ms "
            + "after the grant reply (TTL 2 s)%n", ms(gone.lastPresentSent() - grantReplied),
        ms(gone.firstGoneSent() - grantReplied), ms(gone.firstGoneAnswered() - grantReplied));
    assertThat(gone.lastPresentSent()).isNotEqualTo(Long.MIN_VALUE);
    assertThat(gone.firstGoneAnswered() - grantSent).isGreaterThanOrEqualTo(
        TimeUnit.SECONDS.toNanos(2));
    assertThat(gone.firstGoneAnswered() - grantReplied).isLessThanOrEqualTo(
        TimeUnit.SECONDS.toNanos(2 + 3));
    assertThat(gone.reappeared()).isEmpty();

    assertThat(get(kv.get(bytes("jexp/k"))).getKvs()).isEmpty();
    assertThat(get(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL()).isEqualTo(-1);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  private static void put(String key, PutOption option) throws Exception {
    get(kv.put(bytes(key), bytes("v"), option));
  }

  private static KeyValue one(String key) throws Exception {
    List<KeyValue> kvs = get(kv.get(bytes(key))).getKvs();
    assertThat(kvs).as("kvs of %s", key).hasSize(1);
    return kvs.get(0);
  }

  /** Keys under {@code prefix} at {@code revision} (0: the current one). */
  private static List<String> keys(String prefix, long revision) throws Exception {
    return get(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withRevision(revision)
        .build())).getKvs().stream().map(k -> text(k.getKey())).toList();
  }

  private static long count(String prefix) throws Exception {
    return get(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true)
        .build())).getCount();
  }

  /** A txn whose only compare is lease(key) == id, through our raw stub. */
  private static boolean leaseCompare(String key, long id) {
    return cluster.client(0).kv().txn(TxnRequest.newBuilder().addCompare(Compare.newBuilder()
            .setKey(ByteString.copyFromUtf8(key)).setTarget(Compare.CompareTarget.LEASE)
            .setResult(Compare.CompareResult.EQUAL).setLease(id)).build())
        .getSucceeded();
  }

  private static List<EtcdClient> clients() {
    return List.of(cluster.client(0), cluster.client(1), cluster.client(2));
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String text(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
