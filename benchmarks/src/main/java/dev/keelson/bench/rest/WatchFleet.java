package dev.keelson.bench.rest;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The watchers of a REST watch run: {@code watchers} watches of one collection from one
 * resourceVersion, watcher i on master i % masters, each on its own HTTP/1.1 connection, at most
 * {@code parallel} being opened at a time (TLS handshakes are the cost).
 */
final class WatchFleet implements AutoCloseable {
  private final List<WatchStream> streams = new ArrayList<>();
  private final LongAdder measuredEvents = new LongAdder();

  /**
   * Opens the watches and returns once every one has its response headers (the server then
   * has registered it); fails if one did not get a 200 within {@code bound}.
   */
  WatchFleet(Masters masters, String collection, long fromResourceVersion,
      String measuredPrefix, int watchers, int parallel, Duration bound)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    Semaphore opening = new Semaphore(parallel);
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> opened = new ArrayList<>();
    String query = collection + "?watch=1&resourceVersion=" + fromResourceVersion;
    for (int i = 0; i < watchers; i++) {
      if (!opening.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS)) {
        close();
        throw new IOException("opened fewer than " + watchers + " watches in " + bound);
      }
      WatchStream s = new WatchStream(measuredPrefix, measuredEvents, System::nanoTime);
      streams.add(s);
      opened.add(masters.client(i).sendAsync(masters.streamRequest(i, query).GET().build(),
              info -> info.statusCode() == 200 ? s
                  : HttpResponse.BodySubscribers.replacing(null))
          .whenComplete((r, e) -> {
            opening.release();
            String failure = e != null ? Outcome.of(e).error()
                : r.statusCode() != 200 ? Integer.toString(r.statusCode()) : null;
            if (failure != null) {
              failures.computeIfAbsent(failure, f -> new LongAdder()).increment();
            }
          }));
    }
    try {
      CompletableFuture.allOf(opened.toArray(new CompletableFuture<?>[0]))
          .get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      failures.computeIfAbsent(Outcome.of(e).error(), f -> new LongAdder()).increment();
    }
    if (!failures.isEmpty()) {
      close();
      Map<String, Long> byCode = new TreeMap<>();
      failures.forEach((k, v) -> byCode.put(k, v.sum()));
      throw new IOException("could not open every watch: " + byCode);
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  int watchers() {
    return streams.size();
  }

  List<WatchStream> streams() {
    return streams;
  }

  /** Measured events received so far, over all watchers. */
  long measuredEvents() {
    return measuredEvents.sum();
  }

  /**
   * Waits until every watcher that is still open has received {@code perWatcher} measured
   * events, or {@code bound} passed; polls every 10 ms. Returns whether they all have.
   */
  boolean awaitEvents(long perWatcher, Duration bound) throws InterruptedException {
    return await(bound, () -> streams.stream().allMatch(
        s -> s.endedBecause() != null || s.arrivals().size() >= perWatcher));
  }

  private static boolean await(Duration bound, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return true;
  }

  /** Watchers whose stream ended before {@link #close}, by why. */
  Map<String, Long> ended() {
    Map<String, Long> out = new TreeMap<>();
    for (WatchStream s : streams) {
      if (s.endedBecause() != null) {
        out.merge(s.endedBecause(), 1L, Long::sum);
      }
    }
    return out;
  }

  /** ERROR events received over all watchers. */
  long errorEvents() {
    return streams.stream().mapToLong(WatchStream::errorEvents).sum();
  }

  /** Cancels every stream. */
  @Override
  public void close() {
    streams.forEach(WatchStream::cancel);
  }
}
