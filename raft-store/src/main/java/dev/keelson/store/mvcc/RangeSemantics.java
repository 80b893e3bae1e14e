package dev.keelson.store.mvcc;

import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rocksdb.RocksIterator;

/**
 * etcd's Range request on top of {@link RangeScan}: revision checks, min/max revision filters,
 * sort order and target, limit with {@code more}, keys_only and count_only — in the order etcd
 * 3.4's applier does them, so responses match byte for byte.
 */
final class RangeSemantics {

  private RangeSemantics() {}

  /**
   * Runs {@code r} against a view whose newest revision is {@code currentRev} and whose
   * compaction revision is {@code compactRev}.
   */
  static RangeResponse range(RocksIterator it, RangeRequest r, long currentRev, long compactRev) {
    long rev = r.getRevision();
    if (rev > currentRev) {
      throw EtcdError.FUTURE_REV.exception();
    }
    if (rev <= 0) {
      rev = currentRev;
    }
    if (rev < compactRev) {
      throw EtcdError.COMPACTED.exception();
    }
    boolean filtered = r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
        || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0;
    long limit = r.getLimit();
    if (r.getSortOrder() != RangeRequest.SortOrder.NONE || filtered) {
      limit = 0; // fetch everything, then filter, sort and truncate
    }
    if (limit > 0) {
      limit++; // one more than asked tells whether there is more
    }
    RangeScan.Result res = RangeScan.scan(it, r.getKey().toByteArray(),
        rangeEnd(r.getRangeEnd().toByteArray()), rev, limit, r.getCountOnly());
    List<KeyValue> kvs = res.kvs();
    if (filtered) {
      kvs = filter(kvs, r);
    }
    RangeRequest.SortOrder order = r.getSortOrder();
    if (r.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
      order = RangeRequest.SortOrder.ASCEND;
    }
    if (order == RangeRequest.SortOrder.ASCEND || order == RangeRequest.SortOrder.DESCEND) {
      Comparator<KeyValue> c = comparator(r.getSortTarget());
      if (order == RangeRequest.SortOrder.DESCEND) {
        c = c.reversed();
      }
      kvs = new ArrayList<>(kvs);
      kvs.sort(c); // stable, like Go's insertion sort for small inputs
    }
    RangeResponse.Builder out = RangeResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(currentRev))
        .setCount(res.count());
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      kvs = kvs.subList(0, (int) r.getLimit());
      out.setMore(true);
    }
    for (KeyValue kv : kvs) {
      out.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return out.build();
  }

  /** etcd's mkGteRange: a range_end of a single zero byte means "every key at or above key". */
  static byte[] rangeEnd(byte[] end) {
    if (end.length == 1 && end[0] == 0) {
      return new byte[0];
    }
    return end.length == 0 ? null : end;
  }

  private static List<KeyValue> filter(List<KeyValue> kvs, RangeRequest r) {
    List<KeyValue> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      if (r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision()) {
        continue;
      }
      if (r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision()) {
        continue;
      }
      if (r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision()) {
        continue;
      }
      if (r.getMinCreateRevision() != 0 && kv.getCreateRevision() < r.getMinCreateRevision()) {
        continue;
      }
      out.add(kv);
    }
    return out;
  }

  private static Comparator<KeyValue> comparator(RangeRequest.SortTarget target) {
    return switch (target) {
      case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
      case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
      case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
      case VALUE -> (a, b) -> ByteStrings.compare(a.getValue(), b.getValue());
      default -> (a, b) -> ByteStrings.compare(a.getKey(), b.getKey());
    };
  }

}
