package dev.keelson.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs {@code clients} closed-loop clients, each with one request outstanding, without a
 * thread per client: a client takes a ticket from the {@link Pacer}, sends when it is due
 * (at once, or from {@code timer} if it is in the future), and when the request has ended the
 * client sends its next one from that completion. So 1,000 clients cost no more threads than 10.
 * What a request is, and how it is recorded, is the {@link Sender}'s business (gRPC in
 * {@link ClosedLoop}, REST in the rest package).
 *
 * <p>After a failed request the client's next one is sent from {@code timer}, not from the
 * completion, because a call that fails before reaching the network completes on the sending
 * thread and would otherwise recurse; for the same reason a completion nested deeper than
 * {@link #MAX_NESTING} on one thread hands off too.
 */
public final class ClientLoop {
  public static final int MAX_NESTING = 32;
  private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);

  /** Sends one client's request for a ticket. */
  @FunctionalInterface
  public interface Sender {
    /**
     * Sends the request and calls {@code ended.done(ok)} exactly once when it has ended (and
     * has been recorded), on whatever thread completes it.
     */
    void send(int client, Ticket t, Ended ended);
  }

  /** Tells the loop a request ended. */
  @FunctionalInterface
  public interface Ended {
    void done(boolean ok);
  }

  private final int clients;
  private final Pacer pacer;
  private final Sender sender;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoClock;
  private final CountDownLatch finished;

  public ClientLoop(int clients, Pacer pacer, Sender sender, ScheduledExecutorService timer,
      LongSupplier nanoClock) {
    if (clients < 1) {
      throw new IllegalArgumentException("need at least one client, got " + clients);
    }
    this.clients = clients;
    this.pacer = pacer;
    this.sender = sender;
    this.timer = timer;
    this.nanoClock = nanoClock;
    this.finished = new CountDownLatch(clients);
  }

  /** Starts the pacer and every client, and waits until all of them ran out of tickets. */
  public void run() throws InterruptedException {
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
      timer.schedule(() -> sender.send(client, t, ok -> ended(client, ok)), wait,
          TimeUnit.NANOSECONDS);
    } else {
      sender.send(client, t, ok -> ended(client, ok));
    }
  }

  private void ended(int client, boolean ok) {
    int[] nesting = NESTING.get();
    if (ok && nesting[0] < MAX_NESTING) {
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
