package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code txn-put}: compare-and-swap updates (Txn: mod_revision(key) == last known → put, else
 * range) over a key set large enough that clients rarely collide.
 */
@Command(name = "txn-put", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Compare-and-swap Txn throughput and latency; successes and failed compares "
        + "are counted apart (both are ops).")
public final class TxnPutCommand extends KvCommand {
  private static final int PAGE = 5000;

  @Override
  String workload() {
    return "txn-put";
  }

  /**
   * Learns the mod revisions of the keys earlier runs left, so the first update of each does
   * not fail its compare.
   */
  @Override
  Operation prepare(Setup s) {
    TxnPutOperation op = new TxnPutOperation(s.channels(), s.keys(), s.value(),
        s.deadlineMillis());
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(s.channels().get(0));
    ByteString end = Keys.prefixEnd(s.keys().prefix());
    ByteString from = s.keys().prefix();
    long known = 0;
    while (true) {
      RangeResponse r = kv.withDeadlineAfter(30, TimeUnit.SECONDS).range(RangeRequest
          .newBuilder().setKey(from).setRangeEnd(end).setKeysOnly(true).setLimit(PAGE).build());
      for (KeyValue found : r.getKvsList()) {
        long index = s.keys().indexOf(found.getKey());
        if (index >= 0) {
          op.learn(index, found.getModRevision());
          known++;
        }
      }
      if (!r.getMore() || r.getKvsCount() == 0) {
        break;
      }
      from = r.getKvs(r.getKvsCount() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
    }
    log.printf("txn-put: %d keys exist already%n", known);
    return op;
  }

  @Override
  void addExtra(Operation op, Map<String, Object> extra) {
    TxnPutOperation t = (TxnPutOperation) op;
    extra.put("succeeded", t.succeeded());
    extra.put("failedCompare", t.failedCompare());
  }
}
