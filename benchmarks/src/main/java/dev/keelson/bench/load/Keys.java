package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The key set of a KV workload: {@code keySpace} keys of exactly {@code keySize} bytes, key
 * {@code i} being the prefix followed by {@code i} in decimal, zero-padded:
 *
 * <pre>
 *   bench/put/00000000000000012345     (prefix "bench/put/", key size 32, index 12345)
 *   |-prefix-||---- index, padded ---|
 * </pre>
 *
 * <p>Which key the n-th operation uses: {@code n % keySpace} with sequential keys (etcd's
 * {@code --sequential-keys}), otherwise uniformly random over the key space.
 */
final class Keys {
  private final ByteString prefix;
  private final int keySize;
  private final long keySpace;
  private final boolean sequential;

  Keys(String prefix, int keySize, long keySpace, boolean sequential) {
    this(ByteString.copyFromUtf8(prefix), keySize, keySpace, sequential);
  }

  private Keys(ByteString prefix, int keySize, long keySpace, boolean sequential) {
    if (keySpace < 1) {
      throw new IllegalArgumentException("key space must be at least 1, got " + keySpace);
    }
    this.prefix = prefix;
    int digits = Long.toString(keySpace - 1).length();
    if (keySize < prefix.size() + digits) {
      throw new IllegalArgumentException("key size " + keySize + " is too small for prefix \""
          + prefix.toStringUtf8() + "\" and " + keySpace + " keys: need at least "
          + (prefix.size() + digits));
    }
    this.keySize = keySize;
    this.keySpace = keySpace;
    this.sequential = sequential;
  }

  /** The same keys, taken in order ({@code n % keySpace}). */
  Keys inOrder() {
    return new Keys(prefix, keySize, keySpace, true);
  }

  long keySpace() {
    return keySpace;
  }

  /** The index of the key the operation with sequence number {@code seq} uses. */
  long index(long seq, RandomGenerator random) {
    return sequential ? Math.floorMod(seq, keySpace) : random.nextLong(keySpace);
  }

  ByteString key(long index) {
    if (index < 0 || index >= keySpace) {
      throw new IllegalArgumentException("key index " + index + " outside [0, " + keySpace + ")");
    }
    byte[] k = new byte[keySize];
    prefix.copyTo(k, 0);
    long rest = index;
    for (int i = keySize - 1; i >= prefix.size(); i--) {
      k[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    return ByteString.copyFrom(k);
  }

  /** The index of {@code key}, or -1 if it is not one of this set's keys. */
  long indexOf(ByteString key) {
    if (key.size() != keySize || !key.startsWith(prefix)) {
      return -1;
    }
    long index = 0;
    for (int i = prefix.size(); i < keySize; i++) {
      int d = key.byteAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      index = index * 10 + d;
    }
    return index < keySpace ? index : -1;
  }

  ByteString prefix() {
    return prefix;
  }

  /** etcd's range end for "every key with this prefix": the prefix, last byte incremented. */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  /** A value of {@code size} pseudo-random printable bytes, the same for a given size. */
  static ByteString value(int size) {
    byte[] v = new byte[size];
    Random r = new Random(size);
    for (int i = 0; i < size; i++) {
      v[i] = (byte) ('a' + r.nextInt(26));
    }
    return ByteString.copyFrom(v);
  }
}
