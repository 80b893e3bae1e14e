package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.HashKVRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.WatchStream;
import dev.keelson.watch.WatchConfig;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Watch API on a three-master cluster, through raw gRPC stubs: writes go to master 1,
 * watches to master 2, so every event crosses Raft. Each test uses its own keys.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WatchIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir static Path dir;
  static LocalCluster cluster;
  static EtcdClient writer;
  static EtcdClient watcher;
  private final List<WatchStream> streams = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir, UnaryOperator.identity(),
        WatchConfig.defaults().withProgressNotifyInterval(Duration.ofMillis(100)));
    cluster.awaitLeader(Duration.ofSeconds(30));
    writer = cluster.client(0);
    watcher = cluster.client(1);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @AfterEach
  void closeStreams() {
    streams.forEach(WatchStream::close);
  }

  private WatchStream stream() {
    WatchStream s = new WatchStream(watcher);
    streams.add(s);
    return s;
  }

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static long put(String key, String value) {
    return put(key, b(value));
  }

  private static long put(String key, ByteString value) {
    return writer.kv().put(PutRequest.newBuilder().setKey(b(key)).setValue(value).build())
        .getHeader().getRevision();
  }

  private static long delete(String key) {
    return writer.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(b(key)).build())
        .getHeader().getRevision();
  }

  /** Waits until the watching master has applied {@code revision}. */
  private static void awaitWatcherAt(long revision) {
    await("master 2 at revision " + revision).atMost(WAIT)
        .until(() -> watcher.status().getHeader().getRevision() >= revision
            && cluster.master(1).watchHub().lastRevision() >= revision);
  }

  private static WatchCreateRequest.Builder watch(String key) {
    return WatchCreateRequest.newBuilder().setKey(b(key));
  }

  private static WatchCreateRequest.Builder prefix(String p) {
    return WatchCreateRequest.newBuilder().setKey(b(p))
        .setRangeEnd(b(p.substring(0, p.length() - 1) + (char) (p.charAt(p.length() - 1) + 1)));
  }

  private static List<WatchResponse> awaitControl(WatchStream s, int count) {
    await(count + " non-event responses").atMost(WAIT).until(() -> s.control().size() >= count);
    return s.control();
  }

  private static List<Event> awaitEvents(WatchStream s, long id, int count) {
    await(count + " events on watch " + id).atMost(WAIT)
        .until(() -> s.events(id).size() >= count);
    return s.events(id);
  }

  private static List<Long> revisions(List<Event> events) {
    return events.stream().map(e -> e.getKv().getModRevision()).toList();
  }

  @Test
  void aWatchFromNowIsCreatedAtTheCurrentRevisionAndGetsLaterEventsAtTheirRevisions() {
    awaitWatcherAt(put("now/k", "before"));
    long current = watcher.status().getHeader().getRevision();
    WatchStream s = stream();
    s.create(watch("now/k").build());
    WatchResponse created = awaitControl(s, 1).get(0);
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getCanceled()).isFalse();
    assertThat(created.getWatchId()).isZero();
    assertThat(created.getHeader().getRevision()).isEqualTo(current);
    assertThat(created.getHeader().getMemberId()).isEqualTo(watcher.status().getHeader()
        .getMemberId());
    long r1 = put("now/k", "1");
    long r2 = delete("now/k");
    List<Event> events = awaitEvents(s, 0, 2);
    assertThat(revisions(events)).containsExactly(r1, r2);
    assertThat(events).extracting(Event::getType)
        .containsExactly(Event.EventType.PUT, Event.EventType.DELETE);
    assertThat(s.responses().stream().filter(r -> r.getEventsCount() > 0)
        .map(r -> r.getHeader().getRevision())).containsExactly(r1, r2);
  }

  @Test
  void watchesShareAStreamWithIdsFromZeroAndEachGetsOnlyItsKeys() {
    WatchStream s = stream();
    s.create(watch("multi/a").build());
    s.create(watch("multi/b").build());
    s.create(prefix("multi/").build());
    assertThat(awaitControl(s, 3)).extracting(WatchResponse::getWatchId)
        .containsExactly(0L, 1L, 2L);
    long a = put("multi/a", "1");
    long bRev = put("multi/b", "1");
    long c = put("multi/c", "1");
    assertThat(revisions(awaitEvents(s, 2, 3))).containsExactly(a, bRev, c);
    assertThat(revisions(awaitEvents(s, 0, 1))).containsExactly(a);
    assertThat(revisions(awaitEvents(s, 1, 1))).containsExactly(bRev);
  }

  @Test
  void cancelIsAcknowledgedAndEndsEventsWhileAnUnknownIdIsIgnored() {
    WatchStream s = stream();
    s.create(watch("cancel/k").build());
    awaitControl(s, 1);
    s.cancel(0);
    s.cancel(77);
    s.requestProgress();
    List<WatchResponse> control = awaitControl(s, 3);
    assertThat(control.get(1).getCanceled()).isTrue();
    assertThat(control.get(1).getWatchId()).isZero();
    assertThat(control.get(2).getWatchId()).isEqualTo(-1); // the progress; nothing for 77
    long later = put("cancel/k", "v");
    awaitWatcherAt(later);
    s.requestProgress();
    awaitControl(s, 4);
    assertThat(s.events(0)).isEmpty();
  }

  @Test
  void aProgressRequestIsAnsweredWithWatchIdMinusOneAtTheCurrentRevision() {
    WatchStream s = stream();
    s.create(watch("progress/k").build());
    awaitControl(s, 1);
    long rev = put("progress/other", "x");
    awaitWatcherAt(rev);
    s.requestProgress();
    WatchResponse p = awaitControl(s, 2).get(1);
    assertThat(p.getWatchId()).isEqualTo(-1);
    assertThat(p.getCreated() || p.getCanceled()).isFalse();
    assertThat(p.getHeader().getRevision()).isEqualTo(rev);
  }

  @Test
  void aProgressNotifyWatchGetsPeriodicEmptyResponsesWhileIdle() {
    WatchStream s = stream();
    s.create(watch("notify/k").setProgressNotify(true).setWatchId(5).build());
    await("three progress notifications").atMost(WAIT)
        .until(() -> s.control().stream().filter(r -> r.getWatchId() == 5 && !r.getCreated())
            .count() >= 3);
    assertThat(s.control().stream().filter(r -> !r.getCreated()))
        .allSatisfy(r -> {
          assertThat(r.getEventsCount()).isZero();
          assertThat(r.getCanceled()).isFalse();
          assertThat(r.getHeader().getRevision()).isPositive();
        });
  }

  @Test
  void filtersDropPutsOrDeletes() {
    WatchStream s = stream();
    s.create(watch("filter/k").addFilters(WatchCreateRequest.FilterType.NOPUT).build());
    s.create(watch("filter/k").addFilters(WatchCreateRequest.FilterType.NODELETE).build());
    awaitControl(s, 2);
    long p1 = put("filter/k", "1");
    long d1 = delete("filter/k");
    long p2 = put("filter/k", "2");
    assertThat(revisions(awaitEvents(s, 0, 1))).containsExactly(d1);
    assertThat(revisions(awaitEvents(s, 1, 2))).containsExactly(p1, p2);
  }

  @Test
  void prevKvIsIncludedOnlyForWatchesThatAskForIt() {
    awaitWatcherAt(put("prev/k", "old")); // the watches start after it
    WatchStream s = stream();
    s.create(watch("prev/k").setPrevKv(true).build());
    s.create(watch("prev/k").build());
    awaitControl(s, 2);
    put("prev/k", "new");
    delete("prev/k");
    List<Event> with = awaitEvents(s, 0, 2);
    assertThat(with).extracting(e -> e.getPrevKv().getValue().toStringUtf8())
        .containsExactly("old", "new");
    assertThat(awaitEvents(s, 1, 2)).allSatisfy(e -> assertThat(e.hasPrevKv()).isFalse());
  }

  @Test
  void aClientChosenIdIsUsedAndADuplicateIsCreatedAndCanceledWithEtcdsReason() {
    WatchStream s = stream();
    s.create(watch("id/k").setWatchId(100).build());
    s.create(watch("id/k").setWatchId(100).build());
    s.create(watch("id/k").build());
    List<WatchResponse> control = awaitControl(s, 3);
    assertThat(control.get(0).getWatchId()).isEqualTo(100);
    assertThat(control.get(1).getCreated()).isTrue();
    assertThat(control.get(1).getCanceled()).isTrue();
    assertThat(control.get(1).getWatchId()).isEqualTo(-1);
    assertThat(control.get(1).getCancelReason())
        .isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");
    assertThat(control.get(2).getWatchId()).isZero();
    long rev = put("id/k", "v");
    assertThat(revisions(awaitEvents(s, 100, 1))).containsExactly(rev);
  }

  @Test
  void anEmptyRangeIsCreatedAndCanceledWithEtcdsReason() {
    WatchStream s = stream();
    s.create(WatchCreateRequest.newBuilder().setKey(b("z")).setRangeEnd(b("a")).build());
    WatchResponse r = awaitControl(s, 1).get(0);
    assertThat(r.getCreated()).isTrue();
    assertThat(r.getCanceled()).isTrue();
    assertThat(r.getWatchId()).isEqualTo(-1);
    assertThat(r.getCancelReason()).isEqualTo("mvcc: watcher range is empty");
  }

  @Test
  void aPastStartReplaysHistoryAndAFutureStartWaitsForItsRevision() {
    long first = put("hist/k", "1");
    put("hist/k", "2");
    long third = put("hist/k", "3");
    awaitWatcherAt(third);
    WatchStream s = stream();
    s.create(watch("hist/k").setStartRevision(first).build());
    s.create(watch("hist/k").setStartRevision(third + 3).build());
    awaitControl(s, 2);
    assertThat(revisions(awaitEvents(s, 0, 3))).containsExactly(first, first + 1, third);
    put("hist/k", "4");
    put("hist/k", "5");
    long sixth = put("hist/k", "6");
    long seventh = put("hist/k", "7");
    assertThat(revisions(awaitEvents(s, 1, 2))).containsExactly(sixth, seventh);
    assertThat(revisions(awaitEvents(s, 0, 7)))
        .isEqualTo(LongStream.rangeClosed(first, seventh).boxed().toList());
  }

  @Test
  void aCompactedStartIsCanceledWithTheCompactRevisionAndTheCompactRevisionItselfIsWatchable() {
    long first = put("compact/k", "1");
    long at = put("compact/k", "2");
    long last = put("compact/k", "3");
    writer.kv().compact(CompactionRequest.newBuilder().setRevision(at).build());
    await("master 2 applied the compaction").atMost(WAIT).until(() -> watcher.maintenance()
        .hashKV(HashKVRequest.getDefaultInstance()).getCompactRevision() >= at);
    awaitWatcherAt(last);
    WatchStream s = stream();
    s.create(watch("compact/k").setStartRevision(first).build());
    List<WatchResponse> control = awaitControl(s, 2);
    assertThat(control.get(0).getCreated()).isTrue();
    WatchResponse canceled = control.get(1);
    assertThat(canceled.getWatchId()).isZero();
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getCompactRevision()).isEqualTo(at);
    assertThat(s.events(0)).isEmpty();

    s.create(watch("compact/k").setStartRevision(at).build());
    assertThat(revisions(awaitEvents(s, 1, 2))).containsExactly(at, last);
  }

  @Test
  void aCatchUpBatchOverTheLimitIsSentInFragmentsToWatchesThatAllowThem() {
    ByteString big = ByteString.copyFrom(new byte[1200 * 1024]);
    long first = put("frag/a", big);
    put("frag/b", big);
    long last = put("frag/c", big);
    awaitWatcherAt(last);
    WatchStream s = stream();
    s.create(prefix("frag/").setStartRevision(first).setFragment(true).build());
    s.create(prefix("frag/").setStartRevision(first).build());
    awaitControl(s, 2);
    assertThat(revisions(awaitEvents(s, 0, 3))).containsExactly(first, first + 1, last);
    assertThat(revisions(awaitEvents(s, 1, 3))).containsExactly(first, first + 1, last);
    List<WatchResponse> fragmented = s.responses().stream().filter(r -> r.getWatchId() == 0)
        .toList();
    assertThat(fragmented).anySatisfy(r -> assertThat(r.getFragment()).isTrue());
    assertThat(fragmented).allSatisfy(r -> assertThat(r.getSerializedSize() < 2 * 1024 * 1024
        || r.getEventsCount() == 1).isTrue());
    assertThat(s.responses().stream().filter(r -> r.getWatchId() == 1))
        .anySatisfy(r -> assertThat(r.getSerializedSize()).isGreaterThan(2 * 1024 * 1024))
        .allSatisfy(r -> assertThat(r.getFragment()).isFalse());
  }

  @Test
  void aClientThatStopsReadingFallsBehindWithoutLossAndCatchesUpWhenItReadsAgain() {
    List<WatchResponse> got = new ArrayList<>();
    AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();
    ClientResponseObserver<WatchRequest, WatchResponse> observer = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchRequest> requests) {
        call.set(requests);
        requests.disableAutoRequestWithInitial(1); // the created response only
      }

      @Override
      public synchronized void onNext(WatchResponse r) {
        got.add(r);
      }

      @Override
      public void onError(Throwable t) { }

      @Override
      public void onCompleted() { }
    };
    WatchGrpc.newStub(watcher.channel()).watch(observer);
    call.get().onNext(WatchRequest.newBuilder().setCreateRequest(prefix("slow/")).build());
    await("created").atMost(WAIT).until(() -> {
      synchronized (observer) {
        return !got.isEmpty();
      }
    });
    ByteString value = ByteString.copyFrom(new byte[10 * 1024]);
    long first = 0;
    long last = 0;
    int puts = 800; // ~8 MiB: more than gRPC's window plus our 4 MiB stream queue
    for (int i = 0; i < puts; i++) {
      last = put("slow/" + (i % 50), value);
      first = first == 0 ? last : first;
    }
    awaitWatcherAt(last);
    assertThat(cluster.master(1).watchHub().lastRevision()).isEqualTo(last);
    await("the unread stream's watcher fell back to catch-up").atMost(WAIT)
        .until(() -> cluster.master(1).watchHub().unsyncedCount() > 0);
    call.get().request(Integer.MAX_VALUE);
    long lastRev = last;
    await("every event delivered").atMost(Duration.ofSeconds(60)).until(() -> {
      synchronized (observer) {
        return got.stream().mapToLong(r -> r.getEventsCount()).sum() >= puts;
      }
    });
    List<Long> revs;
    synchronized (observer) {
      revs = got.stream().flatMap(r -> r.getEventsList().stream())
          .map(e -> e.getKv().getModRevision()).toList();
    }
    assertThat(revs).isEqualTo(LongStream.rangeClosed(first, lastRev).boxed().toList());
    call.get().cancel("done", null);
  }
}
