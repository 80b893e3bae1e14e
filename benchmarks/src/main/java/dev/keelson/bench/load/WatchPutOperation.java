package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The puts a watch run watches: each of its own key, {@code <prefix>m/<seq>} when measured and
 * {@code <prefix>w/<seq>} in the warm-up, so a watcher tells them apart by key. Keeps the
 * revisions of the measured puts that succeeded: every watcher must receive exactly those.
 */
final class WatchPutOperation implements Operation {
  /** Hears of each measured put that succeeded. */
  interface Listener {
    void replied(long revision, long sentNanos, long repliedNanos);
  }

  private final List<KVGrpc.KVStub> stubs;
  private final ByteString measuredPrefix;
  private final ByteString warmupPrefix;
  private final ByteString value;
  private final long deadlineMillis;
  private final long base;
  private final Listener listener;
  private final BitSet succeeded = new BitSet(); // guarded by itself; bit = revision - base

  WatchPutOperation(List<ManagedChannel> channels, ByteString prefix, ByteString value,
      long deadlineMillis, long base, Listener listener) {
    this.stubs = channels.stream().map(KVGrpc::newStub).toList();
    this.measuredPrefix = measuredPrefix(prefix);
    this.warmupPrefix = prefix.concat(ByteString.copyFromUtf8("w/"));
    this.value = value;
    this.deadlineMillis = deadlineMillis;
    this.base = base;
    this.listener = listener;
  }

  static ByteString measuredPrefix(ByteString prefix) {
    return prefix.concat(ByteString.copyFromUtf8("m/"));
  }

  @Override
  public void send(int client, Ticket ticket, Done done) {
    ByteString key = (ticket.measured() ? measuredPrefix : warmupPrefix).concat(
        ByteString.copyFrom(String.format("%010d", ticket.seq()), StandardCharsets.US_ASCII));
    long sent = System.nanoTime();
    stubs.get(client % stubs.size()).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
        .put(PutRequest.newBuilder().setKey(key).setValue(value).build(),
            Operation.observer(r -> {
              if (ticket.measured()) {
                long rev = r.getHeader().getRevision();
                synchronized (succeeded) {
                  succeeded.set(Math.toIntExact(rev - base));
                }
                if (listener != null) {
                  listener.replied(rev, sent, System.nanoTime());
                }
              }
            }, done));
  }

  /** The revisions of the measured puts that succeeded, bits from {@code base}. */
  BitSet succeeded() {
    synchronized (succeeded) {
      return (BitSet) succeeded.clone();
    }
  }
}
