package dev.keelson.bench.watch;

import dev.keelson.etcd.etcdserverpb.WatchCreateRequest;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Many Watch streams on one endpoint, spread over a few connections, each with the same number
 * of watchers; what they received is counted per watcher ({@link CountingStream}).
 */
final class WatchFleet implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<CountingStream> streams = new ArrayList<>();
  private final LongAdder events = new LongAdder();
  private int watchersPerStream;
  private boolean closed;

  /** Opens {@code connections} connections to the endpoint and waits until they are up. */
  WatchFleet(String endpoint, int connections) {
    for (int i = 0; i < connections; i++) {
      ManagedChannel c = Channels.open(endpoint);
      channels.add(c);
      Channels.connect(c);
    }
  }

  /**
   * Opens {@code n} streams round-robin over the connections and waits until the server
   * serves each (answers a progress request on it).
   */
  void openStreams(int n, Duration timeout) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      CountingStream s = new CountingStream(channels.get(i % channels.size()), false, events);
      streams.add(s);
      s.requestProgress();
    }
    Waits.until(n + " streams answer a progress request", timeout,
        () -> streams.stream().allMatch(s -> s.progress() > 0), this::broken,
        () -> streams.stream().filter(s -> s.progress() > 0).count() + " answered");
  }

  /**
   * Creates watchers 1..perStream on every stream, watcher {@code id} from
   * {@code create.apply(id)}, and waits until the server confirmed them all.
   */
  void createWatchers(int perStream, IntFunction<WatchCreateRequest.Builder> create,
      Duration timeout) throws InterruptedException {
    watchersPerStream = perStream;
    for (CountingStream s : streams) {
      for (int id = 1; id <= perStream; id++) {
        s.create(id, create.apply(id));
      }
    }
    long want = (long) perStream * streams.size();
    Waits.until(want + " watchers created", timeout, () -> created() >= want, this::broken,
        () -> created() + " created");
  }

  private long created() {
    return streams.stream().mapToLong(CountingStream::created).sum();
  }

  int watchers() {
    return watchersPerStream * streams.size();
  }

  /** Records delivery latency against {@code d}'s send times (null stops). */
  void measure(Delivery d) {
    streams.forEach(s -> s.measure(d));
  }

  /** Events received over all streams. */
  long events() {
    return events.sum();
  }

  /**
   * Waits until every watcher has received {@code expected} events. Polls the cheap total
   * first, then checks per watcher.
   */
  void awaitEvents(int expected, Duration timeout) throws InterruptedException {
    long total = (long) expected * watchers();
    Waits.until("every one of " + watchers() + " watchers receives " + expected + " events",
        timeout, () -> events() >= total && streams.stream().allMatch(s -> s.behind(expected) == 0),
        this::broken, () -> events() + " of " + total + " events, "
            + streams.stream().mapToInt(s -> s.behind(expected)).sum() + " watchers behind");
  }

  /** Whether every watcher got exactly {@code expected} events in order, the last one at
   * {@code lastRevision}. */
  CountingStream.Check check(int expected, long lastRevision) {
    CountingStream.Check c = CountingStream.Check.NONE;
    for (CountingStream s : streams) {
      c = c.plus(s.check(expected, lastRevision));
    }
    return c;
  }

  /** The delivery latencies recorded since the previous call, in microseconds. */
  Histogram drainLatencies() {
    Histogram h = new Histogram(3_600_000_000L, 3);
    streams.forEach(s -> s.drainLatencies(h));
    return h;
  }

  /** Why a stream ended, if one did. */
  String broken() {
    for (CountingStream s : streams) {
      String why = s.ended();
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  /** Cancels every stream and closes the connections; again does nothing. */
  @Override
  public void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    streams.forEach(CountingStream::close);
    Channels.closeAll(channels);
  }
}
