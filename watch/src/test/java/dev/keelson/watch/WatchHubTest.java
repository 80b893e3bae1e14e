package dev.keelson.watch;

import static dev.keelson.watch.Harness.Client.revisions;
import static dev.keelson.watch.Harness.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.raft.proto.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hub on a real RocksDB store, driven step by step (no catch-up thread). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchHubTest {
  @TempDir Path dir;
  private Harness h;

  private Harness open(WatchConfig config) {
    h = new Harness(MvccStore.open(dir.resolve("store")), config);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void liveEventsArriveOneRevisionPerResponseAfterTheCreatedResponse() {
    open(WatchConfig.defaults());
    h.put("other", "x");
    var c = h.client();
    c.watch("a", 0);
    long r1 = h.put("a", "1");
    List<Outgoing> out = new ArrayList<>(c.poll());
    h.put("b", "1");
    long r2 = h.delete("a");
    out.addAll(c.poll());

    assertThat(out).hasSize(3);
    assertThat(out.get(0).flags()).isEqualTo(Outgoing.CREATED);
    assertThat(out.get(0).watchId()).isZero();
    assertThat(out.get(0).revision()).isEqualTo(r1 - 1); // the revision when created
    assertThat(out.get(1).revision()).isEqualTo(r1);
    assertThat(out.get(1).events()).singleElement()
        .satisfies(e -> assertThat(e.getKv().getValue()).isEqualTo(b("1")));
    assertThat(out.get(2).revision()).isEqualTo(r2);
    Event del = out.get(2).events().get(0);
    assertThat(del.getType()).isEqualTo(Event.EventType.DELETE);
    assertThat(del.getKv().getModRevision()).isEqualTo(r2);
    assertThat(del.hasPrevKv()).isFalse();
  }

  @Test
  void eventsQueuedBehindASlowSenderJoinTheirWatchersResponseButNeverPassAControlResponse() {
    open(WatchConfig.defaults().withCatchUp(2, 1 << 20, 1000));
    var c = h.client();
    c.watch("a", 0);
    c.watch("b", 0);
    long first = h.put("a", "1");
    h.put("b", "1");
    h.put("a", "2");
    h.put("a", "3"); // a's response holds 2 revisions, the most: a new one starts
    c.stream.offerControl(Outgoing.control(-1, h.store.currentRevision(), 0, 0, "")); // progress
    h.put("b", "2"); // b's waiting response is before the progress response: not joined
    long last = h.put("a", "4");

    List<Outgoing> out = c.poll();
    assertThat(out).extracting(Outgoing::watchId, Outgoing::revision).containsExactly(
        tuple(0L, first - 1), tuple(1L, first - 1), // created
        tuple(0L, first + 2), tuple(1L, first + 1), tuple(0L, first + 3),
        tuple(-1L, first + 3), tuple(1L, first + 4), tuple(0L, last));
    assertThat(out.get(2).events()).extracting(e -> e.getKv().getValue().toStringUtf8())
        .containsExactly("1", "2");
    assertThat(revisions(out.subList(2, 5))).containsExactly(first, first + 2, first + 1,
        first + 3);
    assertThat(c.stream.queuedBytes()).isZero();
    // once the sender has taken a response, new events start a new one
    long next = h.put("a", "5");
    assertThat(c.poll()).extracting(Outgoing::watchId, Outgoing::revision)
        .containsExactly(tuple(0L, next));
  }

  @Test
  void theSenderIsWokenOnceAnEntrysRevisionsAreAllQueuedSoABatchLeavesAsOneResponse() {
    open(WatchConfig.defaults());
    AtomicInteger wakeups = new AtomicInteger();
    var c = h.client(wakeups::incrementAndGet);
    c.watchPrefix("p/", 0);
    assertThat(wakeups.get()).isEqualTo(1); // the created response wakes at once
    long base = h.store.currentRevision();
    List<Command> batch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batch.add(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(b("p/" + i))
          .setValue(b("v"))).build());
    }
    for (MvccStore.Applied a : h.store.applyAll(1, 100, batch)) {
      h.hub.applied(a.changes()); // as the state machine tells a batch entry, revision by revision
    }
    assertThat(wakeups.get()).isEqualTo(1);
    h.hub.entryApplied(100);
    assertThat(wakeups.get()).isEqualTo(2);
    h.hub.entryApplied(101); // nothing new: no wake-up
    assertThat(wakeups.get()).isEqualTo(2);

    List<Outgoing> out = c.pollEvents();
    assertThat(out).singleElement().satisfies(o -> assertThat(o.revision()).isEqualTo(base + 3));
    assertThat(revisions(out)).isEqualTo(range(base + 1, base + 3));
  }

  @Test
  void aTransactionReachesEachWatcherAsOneResponseWithOnlyItsKeys() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watchPrefix("p/", 0);
    c.watch("p/b", 0);
    long rev = h.putAll("p/a", "p/b", "q", "p/c");
    List<Outgoing> events = c.pollEvents();
    assertThat(events).hasSize(2);
    Outgoing prefix = events.stream().filter(o -> o.watchId() == 0).findFirst().orElseThrow();
    Outgoing single = events.stream().filter(o -> o.watchId() == 1).findFirst().orElseThrow();
    assertThat(prefix.events()).extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("p/a", "p/b", "p/c");
    assertThat(prefix.revision()).isEqualTo(rev);
    assertThat(single.events()).extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("p/b");
  }

  @Test
  void rangesMatchAsEtcdDefinesThem() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("b")).setRangeEnd(b("d"))); // id 0
    c.watch(WatchCreateRequest.newBuilder().setKey(b("c")).setRangeEnd(b("\0"))); // id 1: >= c
    c.watch(WatchCreateRequest.newBuilder().setRangeEnd(b("\0"))); // id 2: every key
    c.watch(WatchCreateRequest.newBuilder().setKey(b("c"))); // id 3: the single key c
    c.poll();
    for (String k : List.of("a", "b", "c", "cc", "d", "z")) {
      h.put(k, "v");
    }
    List<Outgoing> out = c.pollEvents();
    assertThat(keysOf(out, 0)).containsExactly("b", "c", "cc");
    assertThat(keysOf(out, 1)).containsExactly("c", "cc", "d", "z");
    assertThat(keysOf(out, 2)).containsExactly("a", "b", "c", "cc", "d", "z");
    assertThat(keysOf(out, 3)).containsExactly("c");
  }

  private static List<String> keysOf(List<Outgoing> out, long id) {
    return out.stream().filter(o -> o.watchId() == id).flatMap(o -> o.events().stream())
        .map(e -> e.getKv().getKey().toStringUtf8()).toList();
  }

  @Test
  void anEmptyRangeOrADuplicateIdIsCreatedAndCanceledWithEtcdsReason() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("b")).setRangeEnd(b("a")));
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setWatchId(7));
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setWatchId(7));
    List<Outgoing> out = c.poll();
    assertThat(out).extracting(Outgoing::watchId, Outgoing::flags, Outgoing::cancelReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(-1L, Outgoing.CREATED | Outgoing.CANCELED,
                WatchHub.ERR_EMPTY_RANGE),
            org.assertj.core.groups.Tuple.tuple(7L, Outgoing.CREATED, ""),
            org.assertj.core.groups.Tuple.tuple(-1L, Outgoing.CREATED | Outgoing.CANCELED,
                WatchHub.ERR_DUPLICATE_ID));
  }

  @Test
  void automaticIdsCountFromZeroAndSkipIdsTheClientChose() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setWatchId(1));
    c.watch("k", 0);
    c.watch("k", 0);
    assertThat(c.poll()).extracting(Outgoing::watchId).containsExactly(1L, 0L, 2L);
  }

  @Test
  void filtersDropPutsOrDeletesAndAFullyFilteredRevisionSendsNothing() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k"))
        .addFilters(WatchCreateRequest.FilterType.NOPUT));
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k"))
        .addFilters(WatchCreateRequest.FilterType.NODELETE));
    c.poll();
    long put = h.put("k", "1");
    long del = h.delete("k");
    List<Outgoing> out = c.pollEvents();
    assertThat(out).extracting(Outgoing::watchId, Outgoing::revision).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1L, put), org.assertj.core.groups.Tuple.tuple(0L, del));
  }

  @Test
  void prevKvIsSentOnlyToWatchersThatAskedForIt() {
    open(WatchConfig.defaults());
    h.put("k", "old");
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setPrevKv(true));
    c.watch("k", 0);
    c.poll();
    h.put("k", "new");
    h.delete("k");
    List<Outgoing> out = c.pollEvents();
    assertThat(out.stream().filter(o -> o.watchId() == 0).flatMap(o -> o.events().stream()))
        .allSatisfy(e -> assertThat(e.hasPrevKv()).isTrue())
        .extracting(e -> e.getPrevKv().getValue().toStringUtf8()).containsExactly("old", "new");
    assertThat(out.stream().filter(o -> o.watchId() == 1).flatMap(o -> o.events().stream()))
        .hasSize(2).allSatisfy(e -> assertThat(e.hasPrevKv()).isFalse());
  }

  @Test
  void aWatchStartingInTheWindowCatchesUpThenGoesLiveWithoutGapOrDuplicate() {
    open(WatchConfig.defaults().withCatchUp(7, 1 << 20, 1000));
    long first = h.put("k", "0");
    for (int i = 1; i < 30; i++) {
      h.put("k", "" + i);
    }
    var c = h.client();
    c.watch("k", first + 3);
    assertThat(h.hub.unsyncedCount()).isEqualTo(1);
    List<Outgoing> got = new ArrayList<>(c.pollEvents());
    h.hub.runOnce(); // one batch of 7 revisions
    h.put("k", "live1"); // published while unsynced: comes through catch-up
    got.addAll(c.pollEvents());
    assertThat(got).singleElement().satisfies(o -> assertThat(o.events()).hasSize(7));
    h.catchUp();
    assertThat(h.hub.unsyncedCount()).isZero();
    long last = h.put("k", "live2");
    got.addAll(c.pollEvents());
    assertThat(revisions(got)).isEqualTo(range(first + 3, last));
    assertThat(got.get(got.size() - 1).revision()).isEqualTo(last);
  }


  @Test
  void watchersThatCatchUpAlikeShareOneBatchAndOthersGetTheirOwn() {
    open(WatchConfig.defaults());
    long first = h.put("p/a", "0");
    for (int i = 1; i < 20; i++) {
      h.put(i % 2 == 0 ? "p/a" : "p/b", "" + i);
    }
    var c = h.client();
    c.watchPrefix("p/", first);
    c.watchPrefix("p/", first);
    c.watch("p/a", first); // another key: its own batch
    c.watch(WatchCreateRequest.newBuilder().setKey(b("p/")).setRangeEnd(b("p0"))
        .setStartRevision(first).addFilters(WatchCreateRequest.FilterType.NOPUT)); // filtered
    c.poll();
    h.hub.runOnce();
    List<Outgoing> got = c.pollEvents();

    assertThat(got).hasSize(3); // the NOPUT watcher gets nothing: there is no delete
    assertThat(got.get(0).events()).hasSize(20);
    assertThat(got.get(1).events()).isSameAs(got.get(0).events());
    assertThat(got.get(2).events()).hasSize(10)
        .allSatisfy(e -> assertThat(e.getKv().getKey()).isEqualTo(b("p/a")));
    assertThat(h.hub.unsyncedCount()).isZero();
  }
  @Test
  void watchersOfOneKindFromDifferentRevisionsEachGetTheirOwnRevisionsWithinTheBounds() {
    open(WatchConfig.defaults().withCatchUp(5, 1 << 20, 1000));
    long first = h.put("p/0", "0");
    for (int i = 1; i < 20; i++) {
      h.put("p/" + (i % 4), "" + i);
    }
    h.put("q/other", "x"); // outside the prefix: in no batch
    var c = h.client();
    c.watchPrefix("p/", first);      // id 0
    c.watchPrefix("p/", first + 3);  // id 1
    c.watchPrefix("p/", first + 17); // id 2: only three revisions left
    c.watchPrefix("p/", first + 3);  // id 3: the same start as id 1
    c.poll();
    h.hub.runOnce();
    List<Outgoing> got = new ArrayList<>(c.pollEvents());

    assertThat(got).extracting(Outgoing::watchId).containsExactly(0L, 1L, 2L, 3L);
    assertThat(revisions(got.subList(0, 1))).isEqualTo(range(first, first + 4));
    assertThat(revisions(got.subList(1, 2))).isEqualTo(range(first + 3, first + 7));
    assertThat(revisions(got.subList(2, 3))).isEqualTo(range(first + 17, first + 19));
    assertThat(got.get(3).events()).isSameAs(got.get(1).events());
    h.catchUp();
    long live = h.put("p/live", "y");
    got.addAll(c.pollEvents());
    for (long id = 0; id < 4; id++) {
      long watchId = id;
      List<Outgoing> mine = got.stream().filter(o -> o.watchId() == watchId).toList();
      long from = id == 0 ? first : id == 2 ? first + 17 : first + 3;
      assertThat(revisions(mine)).as("watcher %d", id)
          .isEqualTo(LongStream.rangeClosed(from, live).filter(r -> r != live - 1).boxed()
              .toList());
    }
  }

  @Test
  void aCatchUpBatchStopsAfterTheRevisionThatReachesTheByteBound() {
    // events of about 1,030 bytes: after two the bound is not reached, after three it is
    open(WatchConfig.defaults().withCatchUp(1000, 2500, 1000));
    String value = "v".repeat(1000);
    long first = h.put("p/a", value);
    for (int i = 1; i < 10; i++) {
      h.put("p/a", value);
    }
    var c = h.client();
    c.watchPrefix("p/", first);
    c.watchPrefix("p/", first + 8);
    c.poll();
    h.hub.runOnce();
    List<Outgoing> got = c.pollEvents();

    assertThat(revisions(got.subList(0, 1))).isEqualTo(range(first, first + 2));
    assertThat(got.get(0).bytes()).isEqualTo(Outgoing.OVERHEAD
        + got.get(0).events().stream().mapToLong(Event::getSerializedSize).sum());
    assertThat(revisions(got.subList(1, 2))).isEqualTo(range(first + 8, first + 9));
    h.catchUp();
    assertThat(revisions(c.pollEvents().stream().filter(o -> o.watchId() == 0).toList()))
        .isEqualTo(range(first + 3, first + 9));
  }

  @Test
  void aWatchStartingBeforeTheWindowCatchesUpFromTheStoreInBatches() {
    open(WatchConfig.defaults().withWindow(5, 1 << 20).withCatchUp(1000, 1 << 20, 4));
    long first = h.put("k", "0");
    for (int i = 1; i < 40; i++) {
      h.put(i % 2 == 0 ? "k" : "other", "" + i);
    }
    assertThat(h.hub.windowCoveredFrom()).isGreaterThan(first + 10);
    var c = h.client();
    c.watch("k", first);
    List<Outgoing> got = new ArrayList<>();
    int steps = 0;
    while (h.hub.unsyncedCount() > 0) {
      h.hub.runOnce();
      h.put("k", "during" + steps); // the hub moves on while the watcher catches up
      got.addAll(c.pollEvents());
      steps++;
    }
    assertThat(steps).isGreaterThan(3);
    long last = h.put("k", "after");
    got.addAll(c.pollEvents());
    List<Long> expected = new ArrayList<>();
    for (long r = first; r <= last; r++) {
      if (r - first >= 40 || (r - first) % 2 == 0) {
        expected.add(r);
      }
    }
    assertThat(revisions(got)).isEqualTo(expected);
  }

  @Test
  void aSlowStreamFallsBackToCatchUpAndStillGetsEveryRevisionOnceInOrder() {
    open(WatchConfig.defaults().withQueue(4, 1 << 20).withWindow(10, 1 << 20)
        .withCatchUp(5, 1 << 20, 8));
    var slow = h.client();
    var fast = h.client();
    slow.watchPrefix("p/", 0);
    fast.watchPrefix("p/", 0);
    slow.poll();
    long first = h.put("p/a", "0");
    List<Outgoing> fastGot = new ArrayList<>();
    for (int i = 1; i < 100; i++) {
      h.put("p/" + (i % 3), "" + i);
      fastGot.addAll(fast.pollEvents());
    }
    long last = h.store.currentRevision();
    assertThat(h.hub.unsyncedCount()).isEqualTo(1);
    assertThat(slow.stream.queued()).isEqualTo(4); // bounded: the rest waits in the store
    assertThat(revisions(fastGot)).isEqualTo(range(first, last));

    List<Outgoing> slowGot = new ArrayList<>();
    while (h.hub.unsyncedCount() > 0) {
      slowGot.addAll(slow.pollEvents());
      h.hub.runOnce();
    }
    long after = h.put("p/x", "live");
    slowGot.addAll(slow.pollEvents());
    assertThat(revisions(slowGot)).isEqualTo(range(first, after));
    assertThat(slowGot).allSatisfy(o -> assertThat(o.events()).isNotEmpty());
  }

  @Test
  void aCompactedStartIsCanceledWithTheCompactRevisionButTheCompactRevisionItselfIsWatchable() {
    open(WatchConfig.defaults().withWindow(2, 1 << 20));
    h.put("k", "1");
    long second = h.put("k", "2");
    long third = h.put("k", "3");
    h.put("k", "4");
    h.compact(third);
    var c = h.client();
    c.watch("k", second);
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setStartRevision(third)
        .setPrevKv(true));
    h.catchUp();
    List<Outgoing> out = c.poll();
    Outgoing canceled = out.stream().filter(o -> o.watchId() == 0 && o.compactRevision() != 0)
        .findFirst().orElseThrow();
    assertThat(canceled.flags()).isEqualTo(Outgoing.CANCELED);
    assertThat(canceled.compactRevision()).isEqualTo(third);
    assertThat(canceled.revision()).isZero(); // as etcd 3.4 sends it
    List<Outgoing> fromThird = out.stream().filter(o -> o.watchId() == 1 && !o.events().isEmpty())
        .toList();
    assertThat(revisions(fromThird)).containsExactly(third, third + 1);
    // prev_kv of the event at the compaction revision is gone, as etcd reads it at rev - 1
    assertThat(fromThird.get(0).events().get(0).hasPrevKv()).isFalse();
    assertThat(fromThird.get(0).events().get(1).hasPrevKv()).isTrue();
    assertThat(h.hub.syncedCount()).isEqualTo(1);
  }

  @Test
  void aWatchInTheFutureWaitsForItsStartRevision() {
    open(WatchConfig.defaults());
    long now = h.store.currentRevision();
    var c = h.client();
    c.watch("k", now + 3);
    h.put("k", "1");
    h.put("k", "2");
    long third = h.put("k", "3");
    h.put("k", "4");
    assertThat(revisions(c.pollEvents())).containsExactly(third, third + 1);
  }

  @Test
  void aProgressRequestIsAnsweredOnlyOnceEveryEventUpToItsRevisionIsQueued() {
    open(WatchConfig.defaults().withCatchUp(2, 1 << 20, 1000));
    long first = h.put("k", "1");
    h.put("k", "2");
    h.put("k", "3");
    var c = h.client();
    c.watch("k", first);
    h.hub.requestProgress(c.stream);
    assertThat(c.poll()).extracting(Outgoing::watchId).containsExactly(0L); // created only
    h.catchUp();
    List<Outgoing> out = c.poll();
    Outgoing progress = out.get(out.size() - 1);
    assertThat(progress.watchId()).isEqualTo(-1);
    assertThat(progress.events()).isEmpty();
    assertThat(progress.revision()).isEqualTo(h.hub.lastRevision());
    assertThat(revisions(out)).isEqualTo(range(first, first + 2));

    h.hub.requestProgress(c.stream); // all synced: answered at once
    assertThat(c.poll()).extracting(Outgoing::watchId, Outgoing::revision)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(-1L, first + 2));
  }

  @Test
  void progressNotifyGoesToIdleSyncedWatchersAndSkipsATickThatFollowedEvents() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setProgressNotify(true));
    c.watch("k", 0);
    c.poll();
    h.hub.notifyProgress();
    assertThat(c.poll()).extracting(Outgoing::watchId, Outgoing::revision, o -> o.events().size())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, h.hub.lastRevision(), 0));
    h.put("k", "v");
    c.poll();
    h.hub.notifyProgress(); // events since the last tick: elided, as etcd does
    assertThat(c.poll()).isEmpty();
    h.hub.notifyProgress();
    assertThat(c.poll()).extracting(Outgoing::revision).containsExactly(h.hub.lastRevision());
  }

  @Test
  void cancelIsAcknowledgedAndStopsEventsWhileAnUnknownIdGetsNoAnswer() {
    open(WatchConfig.defaults());
    var c = h.client();
    c.watch("k", 0);
    c.poll();
    h.hub.cancel(c.stream, 0);
    h.hub.cancel(c.stream, 42);
    h.put("k", "v");
    assertThat(c.poll()).extracting(Outgoing::watchId, Outgoing::flags)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, Outgoing.CANCELED));
    assertThat(h.hub.syncedCount()).isZero();
  }

  @Test
  void closingAStreamRemovesAllItsWatchers() {
    open(WatchConfig.defaults());
    h.put("k", "v");
    var c = h.client();
    c.watch("k", 0);
    c.watch("k", 1);
    assertThat(h.hub.syncedCount() + h.hub.unsyncedCount()).isEqualTo(2);
    h.hub.closeStream(c.stream);
    assertThat(h.hub.syncedCount() + h.hub.unsyncedCount()).isZero();
    assertThat(c.stream.terminated()).isTrue();
  }

  @Test
  void aReplacedStoreResetsTheWindowAndWatchersCatchUpFromIt() throws Exception {
    // the "leader" store runs ahead; this master's store is an older copy of it
    MvccStore leader = MvccStore.open(dir.resolve("leader"));
    Harness lh = new Harness(leader, WatchConfig.defaults());
    for (int i = 0; i < 10; i++) {
      lh.put("k", "" + i);
    }
    leader.checkpoint(dir.resolve("store"));
    open(WatchConfig.defaults());
    long behind = h.store.currentRevision();
    var c = h.client();
    c.watch("k", 0);
    c.watch("k", behind - 2); // also one that is catching up when the store changes
    for (int i = 0; i < 20; i++) {
      lh.put("k", "x" + i);
    }
    h.hub.storeOpened(leader); // the snapshot install
    assertThat(h.hub.windowCoveredFrom()).isEqualTo(leader.currentRevision() + 1);
    assertThat(h.hub.unsyncedCount()).isEqualTo(2);
    h.catchUp();
    assertThat(h.hub.unsyncedCount()).isZero();
    List<Outgoing> out = c.pollEvents();
    long last = leader.currentRevision();
    assertThat(revisions(out.stream().filter(o -> o.watchId() == 0).toList()))
        .isEqualTo(range(behind + 1, last));
    assertThat(revisions(out.stream().filter(o -> o.watchId() == 1).toList()))
        .isEqualTo(range(behind - 2, last));
    lh.hub.close();
    h.hub.close();
    h.store.close();
    h = null;
    leader.close();
  }

  @Test
  void tenThousandWatchersOnOneHundredStreamsEachGetEveryEventInOrder() {
    open(WatchConfig.defaults());
    List<Harness.Client> clients = new ArrayList<>();
    for (int s = 0; s < 100; s++) {
      var c = h.client();
      for (int w = 0; w < 100; w++) {
        if (w % 2 == 0) {
          c.watchPrefix("load/", 0);
        } else {
          c.watch("load/k" + (w % 10), 0);
        }
      }
      c.poll();
      clients.add(c);
    }
    assertThat(h.hub.syncedCount()).isEqualTo(10_000);
    long[][] lastSeen = new long[100][100];
    long[][] count = new long[100][100];
    int puts = 300;
    for (int i = 0; i < puts; i++) {
      long rev = h.put("load/k" + (i % 10), "v" + i);
      for (int s = 0; s < 100; s++) {
        for (Outgoing o : clients.get(s).poll()) {
          int w = (int) o.watchId();
          assertThat(o.events()).singleElement();
          assertThat(o.revision()).isEqualTo(rev).isGreaterThan(lastSeen[s][w]);
          lastSeen[s][w] = o.revision();
          count[s][w]++;
        }
      }
    }
    for (int s = 0; s < 100; s++) {
      for (int w = 0; w < 100; w++) {
        assertThat(count[s][w]).isEqualTo(w % 2 == 0 ? puts : puts / 10);
      }
    }
    assertThat(h.hub.unsyncedCount()).isZero();
  }

  @Test
  void theBackgroundThreadCatchesUpWatchersAndSendsProgressNotifications() {
    open(WatchConfig.defaults().withProgressNotifyInterval(Duration.ofMillis(100)));
    long first = h.put("k", "1");
    h.put("k", "2");
    h.hub.start();
    var c = h.client();
    c.watch(WatchCreateRequest.newBuilder().setKey(b("k")).setStartRevision(first)
        .setProgressNotify(true));
    List<Outgoing> got = new ArrayList<>();
    await("catch-up, then two progress notifications").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20)).until(() -> {
          got.addAll(c.poll());
          return got.stream().filter(o -> o.events().isEmpty() && o.flags() == 0).count() >= 2;
        });
    assertThat(revisions(got)).containsExactly(first, first + 1);
    long live = h.put("k", "3");
    await("live event").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          got.addAll(c.poll());
          return revisions(got).contains(live);
        });
    assertThat(revisions(got)).containsExactly(first, first + 1, live);
  }

  @Test
  void aCompactionThatOvertakesACatchingUpWatcherCancelsIt() {
    open(WatchConfig.defaults().withCatchUp(2, 1 << 20, 1000));
    long first = h.put("k", "1");
    for (int i = 0; i < 10; i++) {
      h.put("k", "v" + i);
    }
    var c = h.client();
    c.watch("k", first);
    h.hub.runOnce(); // revisions first, first + 1
    h.compact(first + 5);
    h.catchUp();
    List<Outgoing> out = c.poll();
    assertThat(revisions(out)).containsExactly(first, first + 1);
    assertThat(out.get(out.size() - 1).compactRevision()).isEqualTo(first + 5);
    assertThat(h.hub.unsyncedCount() + h.hub.syncedCount()).isZero();
    h.hub.cancel(c.stream, 0); // the id stays taken until canceled, as in etcd 3.4
    assertThat(c.poll()).extracting(Outgoing::flags).containsExactly(Outgoing.CANCELED);
  }
}
