package dev.keelson.bench.rest;

import dev.keelson.bench.load.ClientLoop;
import dev.keelson.bench.load.Pacer;
import dev.keelson.bench.load.Ticket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * {@code clients} closed-loop REST clients on {@link ClientLoop}'s schedule (one request
 * outstanding each, no thread per client), each request a {@link RestOperation} whose
 * {@link Outcome} is recorded in {@link HttpStats}, latency from the ticket's due time.
 */
final class RestLoop {
  private final RestOperation operation;
  private final HttpStats stats;
  private final LongSupplier nanoClock;
  private final ClientLoop loop;

  RestLoop(int clients, Pacer pacer, RestOperation operation, HttpStats stats,
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
    CompletableFuture<Outcome> f;
    try {
      f = operation.send(client, t);
    } catch (RuntimeException e) {
      ended(t, Outcome.of(e), ended);
      return;
    }
    f.whenComplete((o, e) -> ended(t, e != null ? Outcome.of(e) : o, ended));
  }

  private void ended(Ticket t, Outcome outcome, ClientLoop.Ended ended) {
    if (t.measured()) {
      stats.record(outcome, t.intendedNanos(), nanoClock.getAsLong());
    }
    ended.done(outcome.ok());
  }
}
