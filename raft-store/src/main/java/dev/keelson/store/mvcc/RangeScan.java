package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksIterator;

/**
 * The MVCC range primitive: the live version, at a revision, of every key in [key, end), read
 * from a kv column family iterator laid out as {@link KeyCodec} describes.
 *
 * <p>{@code end} follows etcd's mvcc conventions: {@code null} means the single key, an empty
 * array means every key at or above {@code key}.
 */
final class RangeScan {
  /** The result of a scan: up to {@code limit} key-values and the count of all live keys. */
  record Result(List<KeyValue> kvs, long count) {}

  private RangeScan() {}

  /**
   * Scans at {@code revision}. {@code limit} &le; 0 means no limit. The count always covers the
   * whole range, as etcd's does. With {@code countOnly} no key-values are decoded.
   */
  static Result scan(RocksIterator it, byte[] key, byte[] end, long revision, long limit,
      boolean countOnly) {
    List<KeyValue> kvs = new ArrayList<>();
    if (end == null) {
      KeyValue kv = get(it, key, revision);
      if (kv != null && !countOnly) {
        kvs.add(kv);
      }
      return new Result(kvs, kv == null ? 0 : 1);
    }
    byte[] encEnd = end.length == 0 ? null : KeyCodec.encodeKey(end);
    long count = 0;
    it.seek(KeyCodec.encodeKey(key));
    while (it.isValid()) {
      byte[] vk = it.key();
      if (encEnd != null && Arrays.compareUnsigned(vk, encEnd) >= 0) {
        break;
      }
      byte[] encKey = KeyCodec.encodedKeyOf(vk);
      if (KeyCodec.revisionOf(vk) > revision) {
        it.seek(KeyCodec.versionKey(encKey, revision));
        continue;
      }
      byte[] value = it.value();
      if (value.length > 0) {
        count++;
        if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
          kvs.add(decode(KeyCodec.decodeKey(vk), value));
        }
      }
      it.seek(KeyCodec.afterAllVersions(encKey));
    }
    return new Result(kvs, count);
  }

  /** The live version of one key at {@code revision}, or null if absent or deleted. */
  static KeyValue get(RocksIterator it, byte[] key, long revision) {
    byte[] encKey = KeyCodec.encodeKey(key);
    it.seek(KeyCodec.versionKey(encKey, revision));
    if (!it.isValid() || !KeyCodec.isVersionOf(it.key(), encKey)) {
      return null;
    }
    byte[] value = it.value();
    return value.length == 0 ? null : decode(key, value);
  }

  static KeyValue decode(byte[] key, byte[] storedValue) {
    try {
      return KeyValue.parseFrom(storedValue).toBuilder().setKey(ByteString.copyFrom(key)).build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt kv entry for key " + Arrays.toString(key), e);
    }
  }
}
