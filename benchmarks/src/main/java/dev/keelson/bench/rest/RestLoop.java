package dev.keelson.bench.rest;

import dev.keelson.bench.load.Pacer;
import dev.keelson.bench.load.Ticket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code clients} closed-loop REST clients, each with one request outstanding, on the
 * {@link Pacer}'s schedule, as the gRPC workloads' {@code ClosedLoop}: a client takes a ticket,
 * sends when it is due, and sends its next one from the completion of the previous, so 1,000
 * clients need no thread each. Measured requests are recorded in {@link HttpStats}, latency
 * from the ticket's due time.
 *
 * <p>A request that fails hands the client's next one to {@code timer} (a request that fails
 * before reaching the network completes on the sending thread and would otherwise recurse);
 * so does a completion nested deeper than {@link #MAX_NESTING} on one thread.
 */
final class RestLoop {
  static final int MAX_NESTING = 32;
  private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);

  private final int clients;
  private final Pacer pacer;
  private final RestOperation operation;
  private final HttpStats stats;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoClock;
  private final CountDownLatch finished;

  RestLoop(int clients, Pacer pacer, RestOperation operation, HttpStats stats,
      ScheduledExecutorService timer, LongSupplier nanoClock) {
    if (clients < 1) {
      throw new IllegalArgumentException("need at least one client, got " + clients);
    }
    this.clients = clients;
    this.pacer = pacer;
    this.operation = operation;
    this.stats = stats;
    this.timer = timer;
    this.nanoClock = nanoClock;
    this.finished = new CountDownLatch(clients);
  }

  /** Starts the pacer and every client, and waits until all of them ran out of tickets. */
  void run() throws InterruptedException {
    pacer.start(nanoClock.getAsLong());
    for (int c = 0; c < clients; c++) {
      int client = c;
      timer.execute(() -> next(client));
    }
    finished.await();
  }

  private void next(int client) {
    long now = nanoClock.getAsLong();
    Ticket t = pacer.next(now);
    if (t == null) {
      finished.countDown();
      return;
    }
    long wait = t.intendedNanos() - now;
    if (wait > 0) {
      timer.schedule(() -> send(client, t), wait, TimeUnit.NANOSECONDS);
    } else {
      send(client, t);
    }
  }

  private void send(int client, Ticket t) {
    CompletableFuture<Outcome> f;
    try {
      f = operation.send(client, t);
    } catch (RuntimeException e) {
      ended(client, t, Outcome.of(e));
      return;
    }
    f.whenComplete((o, e) -> ended(client, t, e != null ? Outcome.of(e) : o));
  }

  private void ended(int client, Ticket t, Outcome outcome) {
    if (t.measured()) {
      stats.record(outcome, t.intendedNanos(), nanoClock.getAsLong());
    }
    int[] nesting = NESTING.get();
    if (outcome.ok() && nesting[0] < MAX_NESTING) {
      nesting[0]++;
      try {
        next(client);
      } finally {
        nesting[0]--;
      }
    } else {
      timer.execute(() -> next(client));
    }
  }
}
