package dev.keelson.store.mvcc;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The store's key encoding (user key escaped for ordering, then the revision), for a
 * Kubernetes-length key: encode a version key, decode it back, read its revision.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyCodecBench {
  private final byte[] key =
      "/registry/pods/kube-system/coredns-5d78c9869d-abcde".getBytes(StandardCharsets.UTF_8);
  private final byte[] versionKey = KeyCodec.versionKey(KeyCodec.encodeKey(key), 123_456_789L);
  private long rev = 1;

  @Benchmark
  public byte[] encodeVersionKey() {
    return KeyCodec.versionKey(KeyCodec.encodeKey(key), ++rev);
  }

  @Benchmark
  public byte[] decodeKey() {
    return KeyCodec.decodeKey(versionKey);
  }

  @Benchmark
  public long revisionOf() {
    return KeyCodec.revisionOf(versionKey);
  }
}
