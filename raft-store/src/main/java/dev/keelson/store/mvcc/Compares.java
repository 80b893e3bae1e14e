package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.List;

/** etcd's Txn compare: every key in the compare's range must satisfy it. */
final class Compares {
  /** Reads the live key-values of [key, end) with etcd's range_end conventions. */
  interface Scanner {
    List<KeyValue> scan(byte[] key, byte[] end);
  }

  private Compares() {}

  static boolean holds(Compare c, Scanner scanner) {
    List<KeyValue> kvs = scanner.scan(c.getKey().toByteArray(),
        RangeSemantics.rangeEnd(c.getRangeEnd().toByteArray()));
    if (kvs.isEmpty()) {
      // a missing key has no value to compare: value compares fail, others see zeros
      return c.getTarget() != Compare.CompareTarget.VALUE
          && holdsFor(c, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : kvs) {
      if (!holdsFor(c, kv)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holdsFor(Compare c, KeyValue kv) {
    int cmp = switch (c.getTarget()) {
      case VALUE -> ByteStrings.compare(kv.getValue(),
          c.hasValue() ? c.getValue() : ByteString.EMPTY);
      case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
      case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
      case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
      case LEASE -> Long.compare(kv.getLease(), c.getLease());
      default -> 0;
    };
    return switch (c.getResult()) {
      case EQUAL -> cmp == 0;
      case NOT_EQUAL -> cmp != 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
      default -> true;
    };
  }
}
