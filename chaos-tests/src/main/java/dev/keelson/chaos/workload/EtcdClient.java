package dev.keelson.chaos.workload;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.TxnResponse;
import dev.keelson.etcd.mvccpb.KeyValue;
import io.grpc.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The few etcd v3 calls the workloads make, through one master, each with a deadline.
 * Values are decimal numbers.
 */
public final class EtcdClient {
  private final KVGrpc.KVBlockingStub kv;
  private final Channel channel;
  private final Duration timeout;
  private final String endpoint;

  public EtcdClient(Channel channel, String endpoint, Duration timeout) {
    this.channel = channel;
    this.kv = KVGrpc.newBlockingStub(channel);
    this.timeout = timeout;
    this.endpoint = endpoint;
  }

  public String endpoint() {
    return endpoint;
  }

  /** The channel to this client's master, for streams (watches). */
  public Channel channel() {
    return channel;
  }

  /** The master's current revision (a linearizable read of nothing). */
  public long revision() {
    return stub().range(RangeRequest.newBuilder().setKey(bytes("\0")).build()).getHeader()
        .getRevision();
  }

  private KVGrpc.KVBlockingStub stub() {
    return kv.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  private static ByteString number(long v) {
    return bytes(Long.toString(v));
  }

  /** A value read and the revision the read saw. */
  public record Read(Long value, long revision) {}

  /** A linearizable read of one key (null when absent). */
  public Read read(String key) {
    RangeResponse r = stub().range(RangeRequest.newBuilder().setKey(bytes(key)).build());
    Long v = r.getKvsCount() == 0 ? null : Long.valueOf(r.getKvs(0).getValue().toStringUtf8());
    return new Read(v, r.getHeader().getRevision());
  }

  /** Puts the value; returns the revision. */
  public long write(String key, long value) {
    return stub().put(PutRequest.newBuilder().setKey(bytes(key)).setValue(number(value)).build())
        .getHeader().getRevision();
  }

  /** Whether a compare-and-swap held, and the revision it ran at. */
  public record Cas(boolean succeeded, long revision) {}

  /** Sets the key to {@code value} if it holds {@code expected} (null: if it is absent). */
  public Cas cas(String key, Long expected, long value) {
    Compare.Builder c = Compare.newBuilder().setKey(bytes(key)).setResult(Compare.CompareResult.EQUAL);
    if (expected == null) {
      c.setTarget(Compare.CompareTarget.VERSION).setVersion(0);
    } else {
      c.setTarget(Compare.CompareTarget.VALUE).setValue(number(expected));
    }
    TxnResponse r = stub().txn(TxnRequest.newBuilder().addCompare(c)
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(bytes(key)).setValue(number(value))))
        .build());
    return new Cas(r.getSucceeded(), r.getHeader().getRevision());
  }

  /** Every value under the prefix, by a linearizable read. */
  public List<Long> readPrefix(String prefix) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++;
    RangeResponse r = stub().range(RangeRequest.newBuilder().setKey(bytes(prefix))
        .setRangeEnd(ByteString.copyFrom(end)).build());
    List<Long> out = new ArrayList<>(r.getKvsCount());
    for (KeyValue kv : r.getKvsList()) {
      out.add(Long.valueOf(kv.getValue().toStringUtf8()));
    }
    return out;
  }
}
