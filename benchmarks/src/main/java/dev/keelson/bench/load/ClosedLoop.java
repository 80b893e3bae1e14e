package dev.keelson.bench.load;

import io.grpc.Status;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The gRPC workloads' closed loop: {@link ClientLoop}'s clients and schedule, each request an
 * {@link Operation} whose status code is recorded in {@link Stats} (latency from the ticket's
 * due time); a call that throws before reaching the network counts as failed with its code.
 */
final class ClosedLoop {
  private final Operation operation;
  private final Stats stats;
  private final LongSupplier nanoClock;
  private final ClientLoop loop;

  ClosedLoop(int clients, Pacer pacer, Operation operation, Stats stats,
      ScheduledExecutorService timer, LongSupplier nanoClock) {
    this.operation = operation;
    this.stats = stats;
    this.nanoClock = nanoClock;
    this.loop = new ClientLoop(clients, pacer, this::send, timer, nanoClock);
  }

  /** Starts the pacer and every client, and waits until all of them ran out of tickets. */
  void run() throws InterruptedException {
    loop.run();
  }

  private void send(int client, Ticket t, ClientLoop.Ended ended) {
    try {
      operation.send(client, t, code -> ended(t, code, ended));
    } catch (RuntimeException e) {
      ended(t, Status.fromThrowable(e).getCode(), ended);
    }
  }

  private void ended(Ticket t, Status.Code code, ClientLoop.Ended ended) {
    long end = nanoClock.getAsLong();
    if (t.measured()) {
      if (code == Status.Code.OK) {
        stats.ok(t.intendedNanos(), end);
      } else {
        stats.failed(code, end);
      }
    }
    ended.done(code == Status.Code.OK);
  }
}
