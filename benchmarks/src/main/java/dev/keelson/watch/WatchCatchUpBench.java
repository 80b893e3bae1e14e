package dev.keelson.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.store.mvcc.RevisionEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One catch-up step's matching ({@link CatchUp#collect}) for N unsynced watchers of one prefix
 * that fell behind one after another, so each needs a different revision next: the shape of the
 * compare's watch workload when a master's streams cannot keep up. The source is the last 1,000
 * revisions (one 256-byte put each, all under the prefix); watcher i needs revision
 * {@code first + (i * 7) % 1000}, so up to 1,000 distinct starts. The batches are views or
 * lists of the shared events, not copies to send. In this package for the hub's package-private
 * catch-up API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WatchCatchUpBench {
  private static final int REVISIONS = 1000;

  @Param({"1", "100", "1000"})
  public int watchers;

  private List<RevisionEntry> source;
  private List<CatchUp.Chosen> chosen;
  private long last;

  @Setup(Level.Trial)
  public void setUp() {
    ByteString prefix = ByteString.copyFromUtf8("/registry/configmaps/");
    ByteString value = ByteString.copyFrom(new byte[256]);
    long first = 1_000;
    source = new ArrayList<>(REVISIONS);
    for (int i = 0; i < REVISIONS; i++) {
      long rev = first + i;
      KeyValue kv = KeyValue.newBuilder().setKey(prefix.concat(ByteString.copyFromUtf8("cm-" + i)))
          .setValue(value).setCreateRevision(rev).setModRevision(rev).setVersion(1).build();
      source.add(new RevisionEntry(new RevisionEvents(rev, List.of(Event.newBuilder()
          .setType(Event.EventType.PUT).setKv(kv).build()))));
    }
    last = first + REVISIONS - 1;
    ByteString end = ByteString.copyFromUtf8("/registry/configmaps0");
    chosen = new ArrayList<>(watchers);
    for (int i = 0; i < watchers; i++) {
      long from = first + (i * 7L) % REVISIONS;
      chosen.add(new CatchUp.Chosen(new Watcher(i, null, prefix, end, 0, from), from));
    }
  }

  @Benchmark
  public List<CatchUp.Batch> collect() {
    return CatchUp.collect(chosen, source, last, 0, 1000, 2L * WatchConfig.MIB);
  }
}
