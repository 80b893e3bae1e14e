package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.LocalCluster;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 watchers on one follower, 100 streams of 100, all watching the keys of a 1,000-put
 * run (prefix, range and from-key watches), must each receive exactly those 1,000 events in
 * revision order. Meanwhile a client on its own connection stops reading its stream (gRPC
 * manual flow control, nothing requested) while bulk puts of 256 KiB values fill its HTTP/2
 * window and the server's queue for it: the 10,000 must still get everything while it is
 * stalled, and once it reads again it must get every one of its events too — the server may
 * fall back to catching it up from the store, never drop. Times and counts are printed, not
 * asserted: speed and memory are measured by {@code keelson-bench watch-scale}
 * (docs/benchmarks.md).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WatchScaleIT {
  private static final int STREAMS = 100;
  private static final int WATCHERS_PER_STREAM = 100;
  private static final int CONNECTIONS = 4;
  private static final int PUTS = 1000;
  private static final int PUT_THREADS = 3;
  private static final int VALUE_BYTES = 64;
  /** 160 x 256 KiB = 40 MiB: more than the stalled connection's HTTP/2 window (at most 8 MiB
   * with gRPC's automatic flow control), the server's queue for the stream and the hub's
   * in-memory event window, so the stalled watchers must be caught up from the store. */
  private static final int BULK_PUTS = 160;
  private static final int BULK_VALUE_BYTES = 256 * 1024;
  private static final int STALLED_WATCHERS = 10;
  private static final int STALLED_BULK_WATCHERS = 2;

  private static final ByteString SCALE = utf8("scale/");
  private static final ByteString BULK = utf8("bulk/");

  @TempDir Path dir;
  private LocalCluster cluster;
  private final List<EtcdClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    clients.forEach(EtcdClient::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void tenThousandWatchersGetEveryEventWhileAStalledReaderWaitsThenCatchesUpExactly()
      throws Exception {
    cluster = LocalCluster.start(dir);
    int leader = cluster.awaitLeader(Duration.ofSeconds(60));
    int follower = (leader + 1) % cluster.size();
    long start = cluster.client(follower).kv().range(RangeRequest.newBuilder()
        .setKey(utf8("none")).build()).getHeader().getRevision() + 1;

    LongAdder fleetEvents = new LongAdder();
    List<Recorder> fleet = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      clients.add(cluster.newClient(follower));
    }
    long t0 = System.nanoTime();
    for (int s = 0; s < STREAMS; s++) {
      Recorder r = new Recorder(clients.get(s % CONNECTIONS), false, fleetEvents);
      fleet.add(r);
      for (int id = 1; id <= WATCHERS_PER_STREAM; id++) {
        r.create(id, fleetWatch(id, start));
      }
    }
    await("10,000 watchers created").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20)).failFast("a fleet stream failed", () -> failed(fleet))
        .until(() -> fleet.stream().mapToInt(Recorder::created).sum()
            == STREAMS * WATCHERS_PER_STREAM);
    double createSeconds = secondsSince(t0);

    EtcdClient stalledClient = cluster.newClient(follower);
    clients.add(stalledClient);
    Recorder stalled = new Recorder(stalledClient, true, new LongAdder());
    for (int id = 1; id <= STALLED_WATCHERS + STALLED_BULK_WATCHERS; id++) {
      ByteString prefix = id <= STALLED_WATCHERS ? SCALE : BULK;
      stalled.create(id, WatchCreateRequest.newBuilder().setKey(prefix)
          .setRangeEnd(prefixEnd(prefix)).setStartRevision(start));
    }
    stalled.allow(STALLED_WATCHERS + STALLED_BULK_WATCHERS); // the created responses, no more
    await("the stalled stream's watchers created").atMost(Duration.ofSeconds(30))
        .until(() -> stalled.created() == STALLED_WATCHERS + STALLED_BULK_WATCHERS);

    ConcurrentLinkedQueue<Long> scaleRevisions = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> bulkRevisions = new ConcurrentLinkedQueue<>();
    long t1 = System.nanoTime();
    List<Thread> writers = new ArrayList<>();
    AtomicInteger nextPut = new AtomicInteger();
    for (int t = 0; t < PUT_THREADS; t++) {
      writers.add(writer("put-" + t, () -> {
        for (int n = nextPut.getAndIncrement(); n < PUTS; n = nextPut.getAndIncrement()) {
          scaleRevisions.add(put(n % cluster.size(), SCALE, n, VALUE_BYTES));
        }
      }));
    }
    writers.add(writer("bulk", () -> {
      for (int n = 0; n < BULK_PUTS; n++) {
        bulkRevisions.add(put(n % cluster.size(), BULK, n, BULK_VALUE_BYTES));
      }
    }));
    for (Thread w : writers) {
      w.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(w.isAlive()).as("%s still putting after 2 minutes", w.getName()).isFalse();
    }
    double putSeconds = secondsSince(t1);
    assertThat(scaleRevisions).as("acknowledged puts").hasSize(PUTS);
    assertThat(bulkRevisions).as("acknowledged bulk puts").hasSize(BULK_PUTS);

    long total = (long) PUTS * STREAMS * WATCHERS_PER_STREAM;
    await("every fleet watcher receives " + PUTS + " events while the stalled stream waits")
        .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
        .failFast("a fleet stream failed", () -> failed(fleet))
        .until(fleetEvents::sum, greaterThanOrEqualTo(total));
    double fleetSeconds = secondsSince(t1);
    long stalledResponses = stalled.responses();

    long t2 = System.nanoTime();
    stalled.resume();
    await("the stalled stream catches up after reading again").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20)).failFast("the stalled stream failed",
            () -> stalled.error() != null)
        .until(stalled::events, greaterThanOrEqualTo((long) PUTS * STALLED_WATCHERS
            + (long) BULK_PUTS * STALLED_BULK_WATCHERS));
    double catchUpSeconds = secondsSince(t2);

    System.out.printf("WatchScaleIT: %d watchers on m%d (follower) over %d streams created in "
            + "%.2f s; %d puts (+%d bulk of %d KiB) acknowledged in %.2f s; %d events delivered "
            + "to the fleet %.2f s after the first put; stalled stream got %d responses while "
            + "stalled, then %d events in %.2f s after reading again%n",
        STREAMS * WATCHERS_PER_STREAM, follower + 1, STREAMS, createSeconds, PUTS, BULK_PUTS,
        BULK_VALUE_BYTES / 1024, putSeconds, fleetEvents.sum(), fleetSeconds,
        stalledResponses, stalled.events(), catchUpSeconds);

    long[] scale = sorted(scaleRevisions);
    long[] bulk = sorted(bulkRevisions);
    assertThat(stalledResponses).as("responses that reached the stalled reader before it read "
        + "again (its created responses only)").isEqualTo(STALLED_WATCHERS + STALLED_BULK_WATCHERS);
    for (int s = 0; s < STREAMS; s++) {
      Recorder r = fleet.get(s);
      assertThat(r.problems()).as("stream %d: errors, cancels, unknown ids, wrong values", s)
          .isEmpty();
      for (int id = 1; id <= WATCHERS_PER_STREAM; id++) {
        assertThat(r.revisions(id)).as("stream %d watcher %d (%s): every put, once, in order", s,
            id, kind(id)).isEqualTo(scale);
      }
    }
    assertThat(stalled.problems()).as("stalled stream: errors, cancels, unknown ids, wrong values")
        .isEmpty();
    for (int id = 1; id <= STALLED_WATCHERS + STALLED_BULK_WATCHERS; id++) {
      assertThat(stalled.revisions(id)).as("stalled stream watcher %d: every event, once, in order",
          id).isEqualTo(id <= STALLED_WATCHERS ? scale : bulk);
    }
  }

  /** Nine in ten watch the prefix; the rest a range with another end, or every key from it. */
  private static WatchCreateRequest.Builder fleetWatch(int id, long start) {
    ByteString end = switch (kind(id)) {
      case "range" -> SCALE.concat(ByteString.copyFrom(new byte[] {(byte) 0xff}));
      case "from-key" -> ByteString.copyFrom(new byte[] {0});
      default -> prefixEnd(SCALE);
    };
    return WatchCreateRequest.newBuilder().setKey(SCALE).setRangeEnd(end).setStartRevision(start);
  }

  private static String kind(int id) {
    return id % 10 == 0 ? "range" : id % 10 == 5 ? "from-key" : "prefix";
  }

  private long put(int master, ByteString prefix, int n, int valueBytes) {
    byte[] value = new byte[valueBytes];
    new Random(n).nextBytes(value);
    return cluster.client(master).kv().put(PutRequest.newBuilder()
        .setKey(prefix.concat(utf8(String.format("%06d", n))))
        .setValue(ByteString.copyFrom(value)).build()).getHeader().getRevision();
  }

  private static Thread writer(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.start();
    return t;
  }

  private static boolean failed(List<Recorder> streams) {
    return streams.stream().anyMatch(r -> r.error() != null);
  }

  private static long[] sorted(ConcurrentLinkedQueue<Long> revisions) {
    return revisions.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  private static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    b[b.length - 1]++;
    return ByteString.copyFrom(b);
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /**
   * One Watch stream whose watchers have ids 1..n, recording each watcher's event revisions
   * compactly (10,000 watchers receive 10 million events). Problems (errors, cancels, events
   * for unknown ids, values of the wrong size for their key) are collected, not thrown, on
   * gRPC's thread. A stalled recorder requests no messages until {@link #allow} or
   * {@link #resume}.
   */
  private static final class Recorder
      implements ClientResponseObserver<WatchRequest, WatchResponse> {
    private final boolean stalled;
    private final LongAdder events;
    private ClientCallStreamObserver<WatchRequest> requests;
    // guarded by this
    private long[][] revisions = new long[1][];
    private int[] counts = new int[1];
    private int created;
    private long responses;
    private long received;
    private final List<String> problems = new ArrayList<>();
    private volatile Throwable error;

    Recorder(EtcdClient client, boolean stalled, LongAdder events) {
      this.stalled = stalled;
      this.events = events;
      WatchGrpc.newStub(client.channel()).watch(this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      requests = requestStream;
      if (stalled) {
        requestStream.disableAutoRequestWithInitial(0);
      }
    }

    void allow(int messages) {
      requests.request(messages);
    }

    void resume() {
      requests.request(Integer.MAX_VALUE);
    }

    synchronized void create(int id, WatchCreateRequest.Builder c) {
      if (id >= counts.length) {
        counts = Arrays.copyOf(counts, id + 1);
        revisions = Arrays.copyOf(revisions, id + 1);
      }
      revisions[id] = new long[16];
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(c.setWatchId(id)).build());
    }

    @Override
    public synchronized void onNext(WatchResponse r) {
      responses++;
      if (r.getCreated() && !r.getCanceled()) {
        created++;
        return;
      }
      if (r.getCanceled() || r.getCompactRevision() != 0) {
        problems.add("canceled: " + r);
        return;
      }
      int id = (int) r.getWatchId();
      if (r.getEventsCount() == 0) {
        return; // progress
      }
      if (id < 1 || id >= counts.length || revisions[id] == null) {
        problems.add("events for unknown watch id " + r.getWatchId());
        return;
      }
      for (Event e : r.getEventsList()) {
        if (counts[id] == revisions[id].length) {
          revisions[id] = Arrays.copyOf(revisions[id], counts[id] * 2);
        }
        revisions[id][counts[id]++] = e.getKv().getModRevision();
        int want = e.getKv().getKey().startsWith(BULK) ? BULK_VALUE_BYTES : VALUE_BYTES;
        if (e.getKv().getValue().size() != want && problems.size() < 10) {
          problems.add("value of " + e.getKv().getValue().size() + " bytes at revision "
              + e.getKv().getModRevision() + ", expected " + want);
        }
      }
      received += r.getEventsCount();
      events.add(r.getEventsCount());
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      error = new IllegalStateException("the server ended the stream");
    }

    Throwable error() {
      return error;
    }

    synchronized int created() {
      return created;
    }

    synchronized long responses() {
      return responses;
    }

    synchronized long events() {
      return received;
    }

    synchronized long[] revisions(int id) {
      return Arrays.copyOf(revisions[id], counts[id]);
    }

    synchronized List<String> problems() {
      List<String> out = new ArrayList<>(problems);
      if (error != null) {
        out.add("stream error: " + error);
      }
      return out;
    }
  }
}
