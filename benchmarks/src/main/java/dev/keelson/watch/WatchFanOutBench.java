package dev.keelson.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.mvcc.RevisionEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One event (a put of a 256-byte value) to N watchers of its key, spread over streams of 100
 * watchers, through the real {@link WatchHub}: {@code publish} is the apply thread's share
 * (window append, matching, one queued response per watcher) plus taking the responses off the
 * queues; {@code publishAndEncode} adds what the send threads then do per watcher: build the
 * {@code WatchResponse} and serialize it, as gRPC does (the event itself is shared, but encoded
 * once per response). In this package for the hub's package-private stream API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WatchFanOutBench {
  @Param({"1", "100", "1000", "10000"})
  public int watchers;

  private Path dir;
  private MvccStore store;
  private WatchHub hub;
  private final List<WatchStream> streams = new ArrayList<>();
  private long revision;
  private Event event;
  private final ResponseHeader header = ResponseHeader.newBuilder().setClusterId(1)
      .setMemberId(2).setRaftTerm(3).setRevision(4).build();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("keelson-jmh-watch");
    store = MvccStore.open(dir.resolve("store"));
    hub = new WatchHub("jmh", WatchConfig.defaults());
    hub.storeOpened(store);
    revision = store.currentRevision();
    ByteString key = ByteString.copyFromUtf8("/registry/configmaps/default/watched");
    for (int i = 0; i < watchers; i++) {
      if (i % 100 == 0) {
        streams.add(hub.openStream(() -> { }));
      }
      hub.create(streams.get(streams.size() - 1),
          WatchCreateRequest.newBuilder().setKey(key).build());
    }
    drain(null);
    event = Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue.newBuilder()
        .setKey(key).setValue(ByteString.copyFrom(new byte[256])).setCreateRevision(2)
        .setVersion(1)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    hub.close();
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void publishOne() {
    long rev = ++revision;
    hub.applied(new RevisionEvents(rev, List.of(event.toBuilder()
        .setKv(event.getKv().toBuilder().setModRevision(rev)).build())));
  }

  private int drain(Blackhole bh) {
    int n = 0;
    for (WatchStream s : streams) {
      for (Outgoing o = s.poll(); o != null; o = s.poll()) {
        n++;
        if (bh != null) {
          bh.consume(o);
        }
      }
    }
    return n;
  }

  @Benchmark
  public int publish(Blackhole bh) {
    publishOne();
    return drain(bh);
  }

  @Benchmark
  public long publishAndEncode() {
    publishOne();
    long bytes = 0;
    for (WatchStream s : streams) {
      for (Outgoing o = s.poll(); o != null; o = s.poll()) {
        bytes += o.toResponse(header).toByteArray().length;
      }
    }
    return bytes;
  }
}
