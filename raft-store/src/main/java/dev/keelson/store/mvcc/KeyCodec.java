package dev.keelson.store.mvcc;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Byte layouts of the store's column families.
 *
 * <pre>
 *  kv    enc(key) ‖ be64(~modRevision)  →  KeyValue proto without its key; empty = tombstone
 *  log   be64(revision) ‖ be32(sub)     →  key          (change log in revision order)
 *  meta  ascii name                      →  value
 *
 *  enc(key): every 0x00 byte becomes 0x00 0xFF, then the terminator 0x00 0x01 is appended.
 *            The encoding keeps bytewise order and is prefix-free, so all versions of a key
 *            are contiguous, keys sort as etcd sorts them, and for keys a &lt; b every version
 *            of a sorts before every version of b.
 *  ~rev:     newer versions sort first, so "newest version at or below R" is one seek to
 *            enc(key) ‖ be64(~R). Revisions are &ge; 1, so enc(key) ‖ FF*8 sorts after every
 *            version of key: seeking there skips to the next key.
 * </pre>
 */
final class KeyCodec {
  static final int REV_BYTES = 8;
  private static final byte[] TERMINATOR = {0x00, 0x01};

  private KeyCodec() {}

  static byte[] encodeKey(byte[] key) {
    int zeros = 0;
    for (byte b : key) {
      if (b == 0) {
        zeros++;
      }
    }
    byte[] out = new byte[key.length + zeros + TERMINATOR.length];
    int i = 0;
    for (byte b : key) {
      out[i++] = b;
      if (b == 0) {
        out[i++] = (byte) 0xFF;
      }
    }
    out[i++] = TERMINATOR[0];
    out[i] = TERMINATOR[1];
    return out;
  }

  /** The encoded-key part of a kv column family key. */
  static byte[] encodedKeyOf(byte[] versionKey) {
    return Arrays.copyOf(versionKey, versionKey.length - REV_BYTES);
  }

  static byte[] decodeKey(byte[] versionKey) {
    int encLen = versionKey.length - REV_BYTES - TERMINATOR.length;
    byte[] out = new byte[encLen];
    int n = 0;
    for (int i = 0; i < encLen; i++) {
      byte b = versionKey[i];
      out[n++] = b;
      if (b == 0) {
        i++; // skip the 0xFF escape
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  static long revisionOf(byte[] versionKey) {
    return ~ByteBuffer.wrap(versionKey, versionKey.length - REV_BYTES, REV_BYTES).getLong();
  }

  static byte[] versionKey(byte[] encodedKey, long revision) {
    return ByteBuffer.allocate(encodedKey.length + REV_BYTES)
        .put(encodedKey).putLong(~revision).array();
  }

  /** Sorts after every version of the key and before every version of the next key. */
  static byte[] afterAllVersions(byte[] encodedKey) {
    return versionKey(encodedKey, 0L);
  }

  /** True when versionKey is a version of the key whose encoding is encodedKey. */
  static boolean isVersionOf(byte[] versionKey, byte[] encodedKey) {
    return versionKey.length == encodedKey.length + REV_BYTES
        && Arrays.equals(versionKey, 0, encodedKey.length, encodedKey, 0, encodedKey.length);
  }

  static byte[] logKey(long revision, int sub) {
    return ByteBuffer.allocate(12).putLong(revision).putInt(sub).array();
  }

  static long logRevision(byte[] logKey) {
    return ByteBuffer.wrap(logKey, 0, 8).getLong();
  }

  static int logSub(byte[] logKey) {
    return ByteBuffer.wrap(logKey, 8, 4).getInt();
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long bytesLong(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }
}
