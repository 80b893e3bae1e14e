package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes before a request enters the log (its gRPC layer): they depend on the
 * request alone, so a bad request is refused on the master that received it and never costs a
 * Raft round.
 */
public final class RequestChecks {
  /** etcd's default --max-txn-ops. */
  public static final int MAX_TXN_OPS = 128;
  /** etcd's default --max-request-bytes (1.5 MiB). */
  public static final int MAX_REQUEST_BYTES = 1536 * 1024;

  private RequestChecks() {}

  public static void range(RangeRequest r) {
    requireKey(r.getKey());
  }

  public static void put(PutRequest p) {
    requireKey(p.getKey());
    if (p.getIgnoreValue() && !p.getValue().isEmpty()) {
      throw EtcdError.VALUE_PROVIDED.exception();
    }
    if (p.getIgnoreLease() && p.getLease() != 0) {
      throw EtcdError.LEASE_PROVIDED.exception();
    }
  }

  public static void deleteRange(DeleteRangeRequest d) {
    requireKey(d.getKey());
  }

  public static void txn(TxnRequest t) {
    txn(t, MAX_TXN_OPS);
    intervals(t.getSuccessList());
    intervals(t.getFailureList());
  }

  /** etcd's checkTxnRequest: a nested txn may use only the ops its parent left over. */
  private static void txn(TxnRequest t, int maxOps) {
    int ops = Math.max(t.getCompareCount(), Math.max(t.getSuccessCount(), t.getFailureCount()));
    if (ops > maxOps) {
      throw EtcdError.TOO_MANY_OPS.exception();
    }
    for (Compare c : t.getCompareList()) {
      requireKey(c.getKey());
    }
    for (RequestOp op : t.getSuccessList()) {
      op(op, maxOps - ops);
    }
    for (RequestOp op : t.getFailureList()) {
      op(op, maxOps - ops);
    }
  }

  private static void op(RequestOp op, int maxOps) {
    switch (op.getRequestCase()) {
      case REQUEST_RANGE -> range(op.getRequestRange());
      case REQUEST_PUT -> put(op.getRequestPut());
      case REQUEST_DELETE_RANGE -> deleteRange(op.getRequestDeleteRange());
      case REQUEST_TXN -> txn(op.getRequestTxn(), maxOps);
      default -> throw EtcdError.KEY_NOT_FOUND.exception(); // an empty op, as etcd answers it
    }
  }

  public static void size(int serializedBytes) {
    if (serializedBytes > MAX_REQUEST_BYTES) {
      throw EtcdError.REQUEST_TOO_LARGE.exception();
    }
  }

  private static void requireKey(ByteString key) {
    if (key.isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }

  /**
   * Key intervals deleted by one level of a txn (and the levels below it): [key, range_end), or
   * the key alone when range_end is empty. Like etcd, this takes range_end literally, so "\0"
   * ("every key at or above key" when deleting) covers no key here.
   */
  private record Deletes(List<ByteString[]> ranges) {
    boolean covers(ByteString key) {
      for (ByteString[] r : ranges) {
        ByteString start = r[0];
        ByteString end = r[1];
        if (end.isEmpty()) {
          if (start.equals(key)) {
            return true;
          }
        } else if (ByteStrings.compare(key, start) >= 0 && ByteStrings.compare(key, end) < 0) {
          return true;
        }
      }
      return false;
    }
  }

  private record Writes(Set<ByteString> puts, Deletes deletes) {}

  /**
   * etcd's checkIntervals: within the operations that one txn may run, no key is put twice and
   * no put lands inside a deleted range. The then and else branches of a nested txn exclude
   * each other, so the same key may be put in both.
   */
  private static Writes intervals(List<RequestOp> ops) {
    Deletes dels = new Deletes(new ArrayList<>());
    for (RequestOp op : ops) {
      if (op.hasRequestDeleteRange()) {
        DeleteRangeRequest d = op.getRequestDeleteRange();
        dels.ranges().add(new ByteString[] {d.getKey(), d.getRangeEnd()});
      }
    }
    Set<ByteString> puts = new HashSet<>();
    for (RequestOp op : ops) {
      if (!op.hasRequestTxn()) {
        continue;
      }
      Writes then = intervals(op.getRequestTxn().getSuccessList());
      Writes otherwise = intervals(op.getRequestTxn().getFailureList());
      for (ByteString k : then.puts()) {
        if (puts.contains(k) || dels.covers(k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(k);
      }
      for (ByteString k : otherwise.puts()) {
        if ((puts.contains(k) && !then.puts().contains(k)) || dels.covers(k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(k);
      }
      dels.ranges().addAll(then.deletes().ranges());
      dels.ranges().addAll(otherwise.deletes().ranges());
    }
    for (RequestOp op : ops) {
      if (!op.hasRequestPut()) {
        continue;
      }
      ByteString k = op.getRequestPut().getKey();
      if (puts.contains(k) || dels.covers(k)) {
        throw EtcdError.DUPLICATE_KEY.exception();
      }
      puts.add(k);
    }
    return new Writes(puts, dels);
  }
}
