package dev.keelson.bench.load;

import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Range of one key of the key set, linearizable or serializable; counts measured reads that
 * found no key (the key set should have been written first).
 */
final class RangeOperation implements Operation {
  private final List<KVGrpc.KVStub> stubs;
  private final Keys keys;
  private final boolean serializable;
  private final long deadlineMillis;
  private final LongAdder notFound = new LongAdder();

  RangeOperation(List<ManagedChannel> channels, Keys keys, boolean serializable,
      long deadlineMillis) {
    this.stubs = channels.stream().map(KVGrpc::newStub).toList();
    this.keys = keys;
    this.serializable = serializable;
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public void send(int client, Ticket ticket, Done done) {
    RangeRequest r = RangeRequest.newBuilder()
        .setKey(keys.key(keys.index(ticket.seq(), ThreadLocalRandom.current())))
        .setSerializable(serializable).build();
    stubs.get(client % stubs.size()).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
        .range(r, Operation.observer(resp -> {
          if (ticket.measured() && resp.getKvsCount() == 0) {
            notFound.increment();
          }
        }, done));
  }

  long notFound() {
    return notFound.sum();
  }
}
