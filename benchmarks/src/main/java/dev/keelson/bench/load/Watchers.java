package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The watchers of a watch run: {@code streams} Watch streams spread round-robin over the
 * connections, each with {@code perStream} watchers on the run's prefix from {@code base}.
 */
final class Watchers implements AutoCloseable {
  private final List<WatchStream> streams = new ArrayList<>();
  private final int perStream;
  private final LongAdder measuredEvents = new LongAdder();
  private final LongAdder measuredResponses = new LongAdder();
  private final AtomicLong lastEventNanos = new AtomicLong(Long.MIN_VALUE);

  Watchers(List<ManagedChannel> channels, int streams, int perStream, ByteString prefix,
      ByteString measuredPrefix, long base, WatchStream.Listener listener) {
    this.perStream = perStream;
    WatchStream.Fleet fleet = (n, nanos) -> {
      measuredEvents.add(n);
      measuredResponses.increment();
      lastEventNanos.accumulateAndGet(nanos,
          (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
    };
    WatchCreateRequest create = WatchCreateRequest.newBuilder().setKey(prefix)
        .setRangeEnd(Keys.prefixEnd(prefix)).setStartRevision(base).build();
    for (int i = 0; i < streams; i++) {
      WatchStream s = new WatchStream(channels.get(i % channels.size()), perStream, base,
          measuredPrefix, fleet, listener);
      this.streams.add(s);
      s.createAll(create);
    }
  }

  int watchers() {
    return perStream * streams.size();
  }

  /** Waits until the server confirmed every watcher; fails after {@code timeout}. */
  void awaitCreated(Duration timeout) throws InterruptedException {
    if (!await(timeout, () -> created() >= watchers())) {
      throw new IllegalStateException("only " + created() + " of " + watchers()
          + " watchers created after " + timeout.toSeconds() + " s");
    }
  }

  private long created() {
    return streams.stream().mapToLong(WatchStream::created).sum();
  }

  /**
   * Waits until every watcher has received every event of {@code expected}, a stream ended, or
   * {@code timeout} passed; whether every event arrived.
   */
  boolean awaitDelivered(BitSet expected, Duration timeout) throws InterruptedException {
    long total = (long) expected.cardinality() * watchers();
    return await(timeout, () -> measuredEvents.sum() >= total && check(expected).missing() == 0
        || streams.stream().anyMatch(WatchStream::ended));
  }

  /** Polls {@code done} every 10 ms until it holds or {@code timeout} passed. */
  private static boolean await(Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return true;
  }

  long measuredEvents() {
    return measuredEvents.sum();
  }

  /** Responses that carried measured events. */
  long measuredResponses() {
    return measuredResponses.sum();
  }

  /** When the last measured event arrived, or {@code Long.MIN_VALUE}. */
  long lastEventNanos() {
    return lastEventNanos.get();
  }

  Receipts.Check check(BitSet expected) {
    Receipts.Check c = Receipts.Check.NONE;
    for (WatchStream s : streams) {
      c = c.plus(s.check(expected));
    }
    return c;
  }

  long canceled() {
    return streams.stream().mapToLong(WatchStream::canceled).sum();
  }

  /** Streams that failed, by status code. */
  Map<Status.Code, Long> streamErrors() {
    Map<Status.Code, Long> out = new EnumMap<>(Status.Code.class);
    for (WatchStream s : streams) {
      Status.Code c = s.error();
      if (c != null) {
        out.merge(c, 1L, Long::sum);
      }
    }
    return out;
  }

  @Override
  public void close() {
    streams.forEach(WatchStream::close);
  }
}
