package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.store.raft.proto.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The store's hot paths on a real RocksDB in a temporary directory, as the apply thread and
 * serializable reads use them: applying one put (a Raft entry of one request), applying a batch
 * of 100 puts (one entry of a busy master, one RocksDB write), and range reads over 10,000 keys
 * of 256-byte values. In this package for the store's package-private key codec.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MvccBench {
  private static final int KEYS = 10_000;
  private Path dir;
  private MvccStore store;
  private long index;
  private int next;
  private final List<Command> puts = new ArrayList<>();
  private final List<Command> batch = new ArrayList<>();
  private final Random random = new Random(7);

  private static ByteString key(int i) {
    return ByteString.copyFromUtf8(String.format("/registry/pods/default/pod-%05d", i));
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("keelson-jmh");
    store = MvccStore.open(dir.resolve("store"));
    byte[] v = new byte[256];
    random.nextBytes(v);
    ByteString value = ByteString.copyFrom(v);
    for (int i = 0; i < KEYS; i++) {
      puts.add(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(key(i))
          .setValue(value)).build());
    }
    for (int i = 0; i < KEYS; i += 100) {
      store.applyAll(1, ++index, puts.subList(i, i + 100));
    }
    for (int i = 0; i < 100; i++) {
      batch.add(puts.get(random.nextInt(KEYS)));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One put overwriting an existing key: read the previous version, write data + change log. */
  @Benchmark
  public MvccStore.Applied applyOnePut() {
    next = (next + 7919) % KEYS;
    return store.apply(1, ++index, puts.get(next));
  }

  /** One Raft entry holding 100 puts, applied in one RocksDB write; divide by 100 per put. */
  @Benchmark
  public List<MvccStore.Applied> applyBatchOf100Puts() {
    return store.applyAll(1, ++index, batch);
  }

  @Benchmark
  public RangeResponse rangeOneKey() {
    next = (next + 7919) % KEYS;
    return store.range(RangeRequest.newBuilder().setKey(key(next)).build());
  }

  /** 100 consecutive keys of the 10,000. */
  @Benchmark
  public RangeResponse rangePrefixOf100() {
    return store.range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("/registry/pods/default/pod-012"))
        .setRangeEnd(ByteString.copyFromUtf8("/registry/pods/default/pod-013")).build());
  }

  /** Counting all 10,000 keys without returning them (kubectl's and etcdctl's count). */
  @Benchmark
  public RangeResponse rangeCountAll() {
    return store.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/"))
        .setRangeEnd(ByteString.copyFromUtf8("0")).setCountOnly(true).build());
  }

  /** The first 500 keys of all, with limit (a paginated list). */
  @Benchmark
  public RangeResponse rangeLimit500() {
    return store.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/"))
        .setRangeEnd(ByteString.copyFromUtf8("0")).setLimit(500).build());
  }
}
