package dev.keelson.bench.rest;

import dev.keelson.bench.load.Ticket;
import java.util.concurrent.CompletableFuture;

/** One kind of REST request a closed-loop client sends. */
interface RestOperation {
  /**
   * Sends the request for {@code ticket} as client {@code client} and returns how it ended.
   * Must not block; the future may fail (it then counts as {@link Outcome#of(Throwable)}).
   */
  CompletableFuture<Outcome> send(int client, Ticket ticket);
}
