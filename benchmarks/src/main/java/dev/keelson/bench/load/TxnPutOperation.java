package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.TxnResponse;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A compare-and-swap update, as optimistic clients (Kubernetes) write: Txn(if
 * mod_revision(key) == the last mod revision this tool saw for it, put key; else range key,
 * keys only). Reads nothing first: the revision comes from the previous answer about the key
 * (the put's header revision, or the failure branch's range), kept per key index. A compare
 * fails when another client updated the key since.
 */
final class TxnPutOperation implements Operation {
  private final List<KVGrpc.KVStub> stubs;
  private final Keys keys;
  private final ByteString value;
  private final long deadlineMillis;
  private final AtomicLongArray knownModRevision;
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failedCompare = new LongAdder();

  TxnPutOperation(List<ManagedChannel> channels, Keys keys, ByteString value,
      long deadlineMillis) {
    if (keys.keySpace() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("txn-put key space too large: " + keys.keySpace());
    }
    this.stubs = channels.stream().map(KVGrpc::newStub).toList();
    this.keys = keys;
    this.value = value;
    this.deadlineMillis = deadlineMillis;
    this.knownModRevision = new AtomicLongArray((int) keys.keySpace());
  }

  /** Records what a read found: key {@code index} was last modified at {@code modRevision}. */
  void learn(long index, long modRevision) {
    knownModRevision.accumulateAndGet((int) index, modRevision, Math::max);
  }

  @Override
  public void send(int client, Ticket ticket, Done done) {
    long index = keys.index(ticket.seq(), ThreadLocalRandom.current());
    ByteString key = keys.key(index);
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.MOD)
            .setResult(Compare.CompareResult.EQUAL)
            .setModRevision(knownModRevision.get((int) index)))
        .addSuccess(RequestOp.newBuilder()
            .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)))
        .addFailure(RequestOp.newBuilder()
            .setRequestRange(RangeRequest.newBuilder().setKey(key).setKeysOnly(true)))
        .build();
    stubs.get(client % stubs.size()).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
        .txn(txn, Operation.observer(r -> answered(index, r, ticket.measured()), done));
  }

  private void answered(long index, TxnResponse r, boolean measured) {
    if (r.getSucceeded()) {
      learn(index, r.getHeader().getRevision());
    } else if (r.getResponsesCount() > 0
        && r.getResponses(0).getResponseRange().getKvsCount() > 0) {
      learn(index, r.getResponses(0).getResponseRange().getKvs(0).getModRevision());
    }
    if (measured) {
      (r.getSucceeded() ? succeeded : failedCompare).increment();
    }
  }

  long succeeded() {
    return succeeded.sum();
  }

  long failedCompare() {
    return failedCompare.sum();
  }
}
