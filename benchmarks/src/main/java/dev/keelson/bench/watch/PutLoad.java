package dev.keelson.bench.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.PutResponse;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Puts from a few closed-loop client threads, spread round-robin over the endpoints, each
 * timed from send to acknowledgement.
 */
final class PutLoad {
  private final List<ManagedChannel> channels;
  private final int threads;
  private final ByteString value;

  PutLoad(List<ManagedChannel> channels, int threads, int valueSize) {
    this.channels = channels;
    this.threads = threads;
    byte[] v = new byte[valueSize];
    new Random(42).nextBytes(v);
    this.value = ByteString.copyFrom(v);
  }

  /**
   * The figures of one run.
   *
   * @param latencyMicros put latencies, send to acknowledgement
   * @param firstRevision the lowest revision a put got
   * @param lastRevision the highest revision a put got
   * @param elapsedNanos first send to last acknowledgement
   * @param failures puts that failed (not retried: the benchmark reports them and fails)
   * @param byEndpoint put latencies by the endpoint the put went to, in endpoint order
   */
  record Result(Histogram latencyMicros, long firstRevision, long lastRevision,
      long elapsedNanos, int failures, List<Histogram> byEndpoint) {}

  Result run(Delivery delivery, int puts) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong minRev = new AtomicLong(Long.MAX_VALUE);
    AtomicLong maxRev = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    List<Histogram[]> histograms = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Histogram[] h = new Histogram[channels.size()];
      for (int e = 0; e < h.length; e++) {
        h[e] = new Histogram(3_600_000_000L, 3);
      }
      histograms.add(h);
      Thread w = new Thread(() -> {
        for (int seq = next.getAndIncrement(); seq < puts; seq = next.getAndIncrement()) {
          int endpoint = seq % channels.size();
          KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.get(endpoint))
              .withDeadlineAfter(30, TimeUnit.SECONDS);
          PutRequest put = PutRequest.newBuilder().setKey(delivery.key(seq)).setValue(value)
              .build();
          long t0 = System.nanoTime();
          delivery.sent(seq, t0);
          try {
            PutResponse r = kv.put(put);
            h[endpoint].recordValue((System.nanoTime() - t0) / 1000);
            long rev = r.getHeader().getRevision();
            minRev.accumulateAndGet(rev, Math::min);
            maxRev.accumulateAndGet(rev, Math::max);
          } catch (RuntimeException e) {
            failures.incrementAndGet();
            System.err.println("put " + seq + " failed: " + e);
          }
        }
      }, "put-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    long elapsed = System.nanoTime() - start;
    Histogram all = new Histogram(3_600_000_000L, 3);
    List<Histogram> byEndpoint = new ArrayList<>();
    for (int e = 0; e < channels.size(); e++) {
      Histogram one = new Histogram(3_600_000_000L, 3);
      for (Histogram[] h : histograms) {
        one.add(h[e]);
      }
      byEndpoint.add(one);
      all.add(one);
    }
    return new Result(all, minRev.get(), maxRev.get(), elapsed, failures.get(), byEndpoint);
  }
}
