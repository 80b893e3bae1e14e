package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.LeaseGrantRequest;
import dev.keelson.etcd.etcdserverpb.LeaseGrpc;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveRequest;
import dev.keelson.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.keelson.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.keelson.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.server.testing.Etcdctl;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.PresencePoller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Leases through stock etcdctl 3.4 (and, for what etcdctl hides, our raw gRPC stubs) against
 * three in-process masters: grant, attach, time-to-live, keep-alive, list, revoke, expiry, and
 * etcd 3.4's answers for unknown leases and bad grants.
 *
 * <p>Every lease that has keys is revoked or expired before its test ends, so that no test sees
 * another's keys deleted under it (a lease without keys expires without making a revision).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LeaseIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GRANTED =
      Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\((\\d+)s\\)");
  /** No master hands out this id: theirs start with a member id in the top 16 bits. */
  private static final String UNKNOWN = "00000000deadbeef";
  private static final String NOT_FOUND = "etcdserver: requested lease not found";

  @TempDir static Path dir;
  static LocalCluster cluster;
  static Etcdctl etcdctl;

  @BeforeAll
  static void startCluster() throws Exception {
    if (!Etcdctl.available()) {
      System.out.println("SKIP LeaseIT: " + Etcdctl.BINARY
          + " not found (apt-get install etcd-client)");
    }
    Assumptions.assumeTrue(Etcdctl.available(), "etcdctl 3.4 is not installed");
    cluster = LocalCluster.start(dir);
    cluster.awaitLeader(Duration.ofSeconds(30));
    etcdctl = cluster.etcdctl(cluster.endpointsCsv());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- etcdctl -----------------------------------------------------------------------------

  @Test
  void grantShowsTheTtlAndRaisesOneSecondToTheTwoSecondMinimum() {
    Grant sixty = grant(60);
    assertThat(sixty.ttl()).isEqualTo(60);
    Grant one = grant(1);
    assertThat(one.ttl()).as("TTL 1 s under a 1000 ms minimum election timeout").isEqualTo(2);
    assertThat(one.hex()).isNotEqualTo(sixty.hex());
  }

  @Test
  void putWithLeaseAttachesTheKeyAndTimeToLiveListsTheKeys() throws Exception {
    Grant g = grant(60);
    try {
      etcdctl.run("put", "ttl/a", "1", "--lease=" + g.hex()).ok();
      etcdctl.run("put", "ttl/b", "2", "--lease=" + g.hex()).ok();
      etcdctl.run("put", "ttl/free", "3").ok();

      assertThat(json("get", "ttl/a").get("kvs").get(0).get("lease").asLong())
          .isEqualTo(g.id());
      assertThat(json("get", "ttl/free").get("kvs").get(0).path("lease").asLong(0)).isZero();

      String withKeys = etcdctl.run("lease", "timetolive", g.hex(), "--keys").ok().out().trim();
      Matcher m = Pattern.compile("lease " + g.hex() + " granted with TTL\\(60s\\), "
          + "remaining\\((\\d+)s\\), attached keys\\(\\[ttl/a ttl/b]\\)").matcher(withKeys);
      assertThat(m.matches()).as("timetolive --keys printed: %s", withKeys).isTrue();
      assertThat(Long.parseLong(m.group(1))).isBetween(50L, 60L);

      assertThat(etcdctl.run("lease", "timetolive", g.hex()).ok().out())
          .contains("granted with TTL(60s)").doesNotContain("attached keys");
    } finally {
      etcdctl.run("lease", "revoke", g.hex()).ok();
    }
  }

  @Test
  void keepAliveOnceRestartsTheCountdownAtTheGrantedTtl() {
    Grant g = grant(10);
    await("the countdown of " + g.hex() + " below 8 s").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> remaining(g), r -> r <= 7);

    assertThat(etcdctl.run("lease", "keep-alive", "--once", g.hex()).ok().out().trim())
        .isEqualTo("lease " + g.hex() + " keepalived with TTL(10)");
    assertThat(remaining(g)).as("remaining seconds right after the keep-alive")
        .isGreaterThanOrEqualTo(9);
  }

  @Test
  void streamingKeepAliveThroughAFollowerKeepsTheLeaseBeyondItsTtl() throws Exception {
    int leader = cluster.awaitLeader(Duration.ofSeconds(30));
    int follower = (leader + 1) % cluster.size();
    Grant g = grant(2);
    long granted = System.nanoTime();
    etcdctl.run("put", "ka/k", "v", "--lease=" + g.hex()).ok();

    long stoppedAt;
    try (Etcdctl.Background keepAlive = cluster.etcdctl(cluster.endpoint(follower))
        .start("lease", "keep-alive", g.hex())) {
      await("ka/k to stay through 3 TTLs of keep-alives via m" + (follower + 1))
          .during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(12))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> count("ka/", leader) == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - granted)).isGreaterThan(
          Duration.ofSeconds(3 * g.ttl()));
      assertThat(keepAlive.isAlive()).as("etcdctl lease keep-alive still running; printed %s %s",
          keepAlive.out(), keepAlive.err()).isTrue();
      assertThat(keepAlive.out().stream()
          .filter(l -> l.equals("lease " + g.hex() + " keepalived with TTL(2)")).count())
          .as("keep-alive lines in %s", keepAlive.out()).isGreaterThanOrEqualTo(4);
      assertThat(remaining(g)).isPositive();
    } finally {
      stoppedAt = System.nanoTime();
    }

    try (PresencePoller poller = PresencePoller.start(clients(), "ka/", 1,
        Duration.ofMillis(25))) {
      PresencePoller.Gone gone = poller.awaitGone(Duration.ofSeconds(g.ttl() + 5));
      assertThat(Duration.ofNanos(gone.firstGoneAnswered() - stoppedAt))
          .as("from stopping the keep-alives to ka/ seen gone")
          .isLessThanOrEqualTo(Duration.ofSeconds(g.ttl() + 3));
      assertThat(gone.reappeared()).isEmpty();
    }
  }

  @Test
  void listShowsLiveLeasesAndNotRevokedOnes() {
    Grant kept = grant(60);
    Grant revoked = grant(60);
    assertThat(leaseList()).contains(kept.hex(), revoked.hex());

    etcdctl.run("lease", "revoke", revoked.hex()).ok();
    assertThat(leaseList()).contains(kept.hex()).doesNotContain(revoked.hex());
  }

  @Test
  void revokeDeletesEveryAttachedKeyInOneRevision() throws Exception {
    Grant g = grant(60);
    for (String k : List.of("rv/a", "rv/b", "rv/c")) {
      etcdctl.run("put", k, "v", "--lease=" + g.hex()).ok();
    }
    etcdctl.run("put", "rv/free", "v").ok();
    long before = json("get", "rv/", "--prefix").get("header").get("revision").asLong();

    Etcdctl.Run revoke = etcdctl.run("lease", "revoke", g.hex());
    assertThat(revoke.ok().out().trim()).isEqualTo("lease " + g.hex() + " revoked");

    JsonNode after = json("get", "rv/", "--prefix");
    assertThat(after.get("header").get("revision").asLong())
        .as("revision after revoking a lease with three keys").isEqualTo(before + 1);
    assertThat(keys(after)).containsExactly("rv/free");
    assertThat(keys(json("get", "rv/", "--prefix", "--rev", Long.toString(before))))
        .containsExactly("rv/a", "rv/b", "rv/c", "rv/free");
    assertThat(etcdctl.run("lease", "timetolive", g.hex()).ok().out().trim())
        .isEqualTo("lease " + g.hex() + " already expired");
  }

  static Stream<Arguments> unknownLeaseAndBadGrantErrors() {
    return Stream.of(
        Arguments.of("revoke of an unknown lease", List.of("lease", "revoke", UNKNOWN),
            1, "Error: failed to revoke lease (" + NOT_FOUND + ")"),
        Arguments.of("keep-alive --once of an unknown lease (TTL 0)",
            List.of("lease", "keep-alive", "--once", UNKNOWN), 2, "Error: " + NOT_FOUND),
        Arguments.of("put with an unknown lease",
            List.of("put", "err/k", "v", "--lease=" + UNKNOWN), 1, "Error: " + NOT_FOUND),
        Arguments.of("grant of a TTL above 9,000,000,000 s",
            List.of("lease", "grant", "9000000001"), 1,
            "Error: failed to grant lease (etcdserver: too large lease TTL)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownLeaseAndBadGrantErrors")
  void etcdctlFailsWithEtcdsExitStatusAndMessage(String name, List<String> args, int exit,
      String message) {
    Etcdctl.Run run = etcdctl.run(args.toArray(String[]::new));
    assertThat(run.exit()).as("exit status; printed %s%s", run.err(), run.out()).isEqualTo(exit);
    // clientv3 logs its retry of the failed call as JSON first, against etcd as well
    List<String> err = run.err().lines().filter(l -> !l.isBlank()).toList();
    assertThat(err).as("etcdctl's standard error").isNotEmpty();
    assertThat(err.get(err.size() - 1)).isEqualTo(message);
  }

  @Test
  void timeToLiveOfAnUnknownLeaseSaysAlreadyExpired() {
    assertThat(etcdctl.run("lease", "timetolive", UNKNOWN).ok().out().trim())
        .isEqualTo("lease " + UNKNOWN + " already expired");
  }

  @Test
  void keyOnATwoSecondLeaseIsDeletedAfterTheTtlAndNotBefore() throws Exception {
    long grantSent = System.nanoTime();
    Grant g = grant(2);
    long grantReplied = System.nanoTime();
    for (String k : List.of("exp/a", "exp/b")) {
      etcdctl.run("put", k, "v", "--lease=" + g.hex()).ok();
    }
    PresencePoller.Gone gone;
    try (PresencePoller poller = PresencePoller.start(clients(), "exp/", 2,
        Duration.ofMillis(25))) {
      gone = poller.awaitGone(Duration.ofSeconds(g.ttl() + 5));
    }
    long ttl = TimeUnit.SECONDS.toNanos(g.ttl());
    System.out.printf("LeaseIT expiry: grant took %d ms; exp/ last seen %d ms and first seen "
            + "gone %d-%d ms after the grant reply (TTL %d s), on %s%n",
        ms(grantReplied - grantSent), ms(gone.lastPresentSent() - grantReplied),
        ms(gone.firstGoneSent() - grantReplied), ms(gone.firstGoneAnswered() - grantReplied),
        g.ttl(), gone.firstGoneEndpoint());

    assertThat(gone.lastPresentSent()).as("exp/ seen before it went").isNotEqualTo(Long.MIN_VALUE);
    assertThat(gone.firstGoneAnswered() - grantSent)
        .as("ns from sending the grant to a read without exp/ (a delete before then is early)")
        .isGreaterThanOrEqualTo(ttl);
    assertThat(gone.firstGoneAnswered() - grantReplied)
        .as("ns from the grant reply to a read without exp/")
        .isLessThanOrEqualTo(ttl + TimeUnit.SECONDS.toNanos(3));
    assertThat(gone.partial()).as("reads that saw one key of two").isEmpty();
    assertThat(gone.reappeared()).isEmpty();
  }

  // ---- what etcdctl does not show: raw gRPC codes, TTL 0 and -1 -----------------------------

  static Stream<Arguments> grpcErrors() {
    return Stream.of(
        Arguments.of("grant of an id that exists", (Runnable) () -> {
          long id = lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
          lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(60).build());
        }, Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists"),
        Arguments.of("grant of a TTL above 9,000,000,000 s", (Runnable) () -> lease().leaseGrant(
                LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()),
            Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL"),
        Arguments.of("revoke of an unknown lease", (Runnable) () -> lease().leaseRevoke(
                LeaseRevokeRequest.newBuilder().setID(Long.parseLong(UNKNOWN, 16)).build()),
            Status.Code.NOT_FOUND, NOT_FOUND),
        Arguments.of("put with an unknown lease", (Runnable) () -> cluster.client(0).kv().put(
                PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("err/raw"))
                    .setLease(Long.parseLong(UNKNOWN, 16)).build()),
            Status.Code.NOT_FOUND, NOT_FOUND));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grpcErrors")
  void grpcFailsWithEtcdsStatus(String name, Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(message);
    });
  }

  @Test
  void unknownLeaseHasTimeToLiveMinusOneAndKeepAliveTtlZero() throws Exception {
    long unknown = Long.parseLong(UNKNOWN, 16);
    assertThat(lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(unknown)
        .setKeys(true).build()).getTTL()).isEqualTo(-1);

    CompletableFuture<LeaseKeepAliveResponse> reply = new CompletableFuture<>();
    StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(
        cluster.client(1).channel()).leaseKeepAlive(new StreamObserver<>() {
          @Override
          public void onNext(LeaseKeepAliveResponse r) {
            reply.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            reply.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            reply.completeExceptionally(new AssertionError("stream ended without a reply"));
          }
        });
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(unknown).build());
    try {
      LeaseKeepAliveResponse r = reply.get(10, TimeUnit.SECONDS);
      assertThat(r.getID()).isEqualTo(unknown);
      assertThat(r.getTTL()).isZero();
    } finally {
      requests.onCompleted();
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A lease as {@code lease grant} printed it. */
  private record Grant(String hex, long ttl) {
    long id() {
      return Long.parseLong(hex, 16);
    }
  }

  private static Grant grant(long ttl) {
    String out = etcdctl.run("lease", "grant", Long.toString(ttl)).ok().out().trim();
    Matcher m = GRANTED.matcher(out);
    assertThat(m.matches()).as("lease grant printed: %s", out).isTrue();
    return new Grant(m.group(1), Long.parseLong(m.group(2)));
  }

  /** Remaining seconds, as {@code lease timetolive} prints them. */
  private static long remaining(Grant g) {
    String out = etcdctl.run("lease", "timetolive", g.hex()).ok().out().trim();
    Matcher m = Pattern.compile("lease " + g.hex() + " granted with TTL\\(" + g.ttl()
        + "s\\), remaining\\((-?\\d+)s\\)").matcher(out);
    assertThat(m.matches()).as("lease timetolive printed: %s", out).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** The lease ids {@code lease list} prints, after checking its count line. */
  private static List<String> leaseList() {
    List<String> lines = etcdctl.run("lease", "list").ok().out().lines()
        .filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(0)).isEqualTo("found " + (lines.size() - 1) + " leases");
    return lines.subList(1, lines.size());
  }

  private static JsonNode json(String... args) throws IOException {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("-w");
    a.add("json");
    return JSON.readTree(etcdctl.run(a.toArray(String[]::new)).ok().out());
  }

  private static List<String> keys(JsonNode resp) {
    List<String> out = new ArrayList<>();
    resp.path("kvs").forEach(kv -> out.add(new String(
        java.util.Base64.getDecoder().decode(kv.get("key").asText()), StandardCharsets.UTF_8)));
    return out;
  }

  /** Keys under {@code prefix} on master {@code i}, by a serializable read. */
  private static long count(String prefix, int i) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    return cluster.client(i).kv().range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(prefix)).setRangeEnd(ByteString.copyFrom(end))
        .setSerializable(true).setCountOnly(true).build()).getCount();
  }

  private static List<dev.keelson.server.testing.EtcdClient> clients() {
    return List.of(cluster.client(0), cluster.client(1), cluster.client(2));
  }

  private static LeaseGrpc.LeaseBlockingStub lease() {
    return LeaseGrpc.newBlockingStub(cluster.client(0).channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
