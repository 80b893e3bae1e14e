package dev.keelson.bench.load;

import io.grpc.Status;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs {@code clients} closed-loop clients, each with one request outstanding, without a
 * thread per client: a client takes a ticket from the {@link Pacer}, sends when it is due
 * (at once, or from {@code timer} if it is in the future), and when the response arrives the
 * callback, on the transport thread, records it and sends the client's next request. So 1,000
 * clients cost no more threads than 10.
 *
 * <p>A failed request is recorded under its status code and the client goes on; its next
 * request is sent from {@code timer}, not from the callback, because a call that fails before
 * reaching the network reports on the sending thread and would otherwise recurse. For the same
 * reason a callback nested deeper than {@link #MAX_NESTING} on one thread hands off too.
 */
final class ClosedLoop {
  static final int MAX_NESTING = 32;
  private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);

  private final int clients;
  private final Pacer pacer;
  private final Operation operation;
  private final Stats stats;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoClock;
  private final CountDownLatch finished;

  ClosedLoop(int clients, Pacer pacer, Operation operation, Stats stats,
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
    try {
      operation.send(client, t, code -> ended(client, t, code));
    } catch (RuntimeException e) {
      ended(client, t, Status.fromThrowable(e).getCode());
    }
  }

  private void ended(int client, Ticket t, Status.Code code) {
    long end = nanoClock.getAsLong();
    if (t.measured()) {
      if (code == Status.Code.OK) {
        stats.ok(t.intendedNanos(), end);
      } else {
        stats.failed(code, end);
      }
    }
    int[] nesting = NESTING.get();
    if (code == Status.Code.OK && nesting[0] < MAX_NESTING) {
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
