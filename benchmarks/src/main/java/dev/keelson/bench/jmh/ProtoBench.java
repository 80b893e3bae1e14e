package dev.keelson.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.store.raft.proto.Batch;
import dev.keelson.store.raft.proto.Command;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Protobuf encoding on the hot paths, 256-byte values and Kubernetes-length keys: a watch
 * response of 1 and of 100 events, a range response of 100 key-values, parsing a put request,
 * and encoding a Raft entry that batches 100 puts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtoBench {
  private WatchResponse watch1;
  private WatchResponse watch100;
  private RangeResponse range100;
  private byte[] putBytes;
  private Command batch100;

  private static KeyValue kv(int i) {
    return KeyValue.newBuilder()
        .setKey(ByteString.copyFromUtf8(String.format("/registry/pods/default/pod-%05d", i)))
        .setValue(ByteString.copyFrom(new byte[256])).setCreateRevision(10 + i)
        .setModRevision(1000 + i).setVersion(3).build();
  }

  @Setup
  public void setUp() {
    ResponseHeader h = ResponseHeader.newBuilder().setClusterId(1).setMemberId(2)
        .setRaftTerm(3).setRevision(1100).build();
    WatchResponse.Builder w = WatchResponse.newBuilder().setHeader(h).setWatchId(7);
    RangeResponse.Builder r = RangeResponse.newBuilder().setHeader(h).setCount(100);
    Batch.Builder b = Batch.newBuilder();
    for (int i = 0; i < 100; i++) {
      w.addEvents(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv(i)));
      r.addKvs(kv(i));
      b.addCommands(Command.newBuilder().setPut(PutRequest.newBuilder().setKey(kv(i).getKey())
          .setValue(kv(i).getValue())));
    }
    watch100 = w.build();
    watch1 = WatchResponse.newBuilder().setHeader(h).setWatchId(7)
        .addEvents(watch100.getEvents(0)).build();
    range100 = r.build();
    putBytes = PutRequest.newBuilder().setKey(kv(1).getKey()).setValue(kv(1).getValue())
        .setPrevKv(true).build().toByteArray();
    batch100 = Command.newBuilder().setBatch(b).build();
  }

  @Benchmark
  public byte[] encodeWatchResponse1Event() {
    return watch1.toByteArray();
  }

  @Benchmark
  public byte[] encodeWatchResponse100Events() {
    return watch100.toByteArray();
  }

  @Benchmark
  public byte[] encodeRangeResponse100Kvs() {
    return range100.toByteArray();
  }

  @Benchmark
  public PutRequest parsePutRequest() throws InvalidProtocolBufferException {
    return PutRequest.parseFrom(putBytes);
  }

  @Benchmark
  public byte[] encodeBatchOf100Puts() {
    return batch100.toByteArray();
  }
}
