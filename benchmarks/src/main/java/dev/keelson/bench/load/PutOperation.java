package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A Put of the ticket's key (sequential or random over the key set) with a fixed value. */
final class PutOperation implements Operation {
  private final List<KVGrpc.KVStub> stubs;
  private final Keys keys;
  private final ByteString value;
  private final long deadlineMillis;

  PutOperation(List<ManagedChannel> channels, Keys keys, ByteString value, long deadlineMillis) {
    this.stubs = channels.stream().map(KVGrpc::newStub).toList();
    this.keys = keys;
    this.value = value;
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public void send(int client, Ticket ticket, Done done) {
    ByteString key = keys.key(keys.index(ticket.seq(), ThreadLocalRandom.current()));
    stubs.get(client % stubs.size()).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
        .put(PutRequest.newBuilder().setKey(key).setValue(value).build(),
            Operation.observer(r -> { }, done));
  }
}
