package dev.keelson.store.raft;

import dev.keelson.store.raft.proto.Batch;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Result;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Batches one master's key-value proposals into Raft entries. At most {@code maxInFlight}
 * entries of this master are in flight; requests arriving meanwhile wait, and leave together
 * as one {@link Batch} entry when an entry completes. One client alone therefore waits for
 * nobody, and many clients share the per-entry cost (replication, log sync, apply, one store
 * write), which is what limits write throughput.
 *
 * <p>An entry holds its slot until it is committed ({@code send} completes), not until this
 * master has applied it too ({@code settle}): on a follower the local apply trails the leader's
 * answer by a replication round, and holding the slot through it halved the rate at which a
 * follower's entries left.
 *
 * <p>Each request still gets its own revision and its own result; a batch that fails in Raft
 * (no leader, timeout) fails every request in it, exactly as separate entries would have.
 *
 * @param <C> what {@code send} answers once the entry is committed
 */
final class Proposer<C> {
  private final Function<Command, CompletableFuture<C>> send;
  private final Function<C, CompletableFuture<Result>> settle;
  private final Executor executor;
  private final int maxInFlight;
  private final int maxCommands;
  private final long maxBytes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  private record Pending(Command cmd, CompletableFuture<Result> reply) {}

  /**
   * @param send proposes one entry and completes once it is committed
   * @param settle turns that into the entry's result, once this master may answer with it
   * @param executor where an entry's completion is handled and the next entry sent: never on
   *     the thread that completed it, which may hold Raft's locks
   * @param maxBytes a batch stops growing at this many bytes of commands (one command always
   *     fits, whatever its size)
   */
  Proposer(Function<Command, CompletableFuture<C>> send,
      Function<C, CompletableFuture<Result>> settle, Executor executor, int maxInFlight,
      int maxCommands, long maxBytes) {
    if (maxInFlight < 1 || maxCommands < 1) {
      throw new IllegalArgumentException("maxInFlight and maxCommands must be at least 1");
    }
    this.send = send;
    this.settle = settle;
    this.executor = executor;
    this.maxInFlight = maxInFlight;
    this.maxCommands = maxCommands;
    this.maxBytes = maxBytes;
  }

  /** Commands that may share an entry: those whose apply reads nothing a batch could change. */
  static boolean batchable(Command cmd) {
    return switch (cmd.getOpCase()) {
      case PUT, DELETE_RANGE, TXN -> true;
      default -> false;
    };
  }

  CompletableFuture<Result> submit(Command cmd) {
    Pending p = new Pending(cmd, new CompletableFuture<>());
    synchronized (this) {
      queue.add(p);
    }
    pump();
    return p.reply;
  }

  /** Sends batches while there is a free slot and something waiting. */
  private void pump() {
    List<Pending> batch;
    while ((batch = take()) != null) {
      List<Pending> sent = batch;
      CompletableFuture<C> reply;
      try {
        reply = send.apply(entryOf(sent));
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      if (reply.isDone()) {
        finish(sent, reply); // loop rather than recurse when replies come back at once
      } else {
        CompletableFuture<C> r = reply;
        reply.whenCompleteAsync((v, t) -> {
          finish(sent, r);
          pump();
        }, executor);
      }
    }
  }

  private synchronized List<Pending> take() {
    if (inFlight >= maxInFlight || queue.isEmpty()) {
      return null;
    }
    inFlight++;
    List<Pending> batch = new ArrayList<>();
    long bytes = 0;
    while (!queue.isEmpty() && batch.size() < maxCommands) {
      int size = queue.peek().cmd().getSerializedSize();
      if (!batch.isEmpty() && bytes + size > maxBytes) {
        break;
      }
      batch.add(queue.poll());
      bytes += size;
    }
    return batch;
  }

  private static Command entryOf(List<Pending> batch) {
    if (batch.size() == 1) {
      return batch.get(0).cmd();
    }
    Batch.Builder b = Batch.newBuilder();
    batch.forEach(p -> b.addCommands(p.cmd()));
    return Command.newBuilder().setBatch(b).build();
  }

  /** The entry is committed or failed: its slot is free; its requests get their results. */
  private void finish(List<Pending> batch, CompletableFuture<C> committed) {
    synchronized (this) {
      inFlight--;
    }
    CompletableFuture<Result> settled;
    try {
      settled = settle.apply(committed.join());
    } catch (RuntimeException e) {
      settled = CompletableFuture.failedFuture(e);
    }
    if (settled.isDone()) {
      answer(batch, settled);
    } else {
      CompletableFuture<Result> r = settled;
      settled.whenCompleteAsync((v, t) -> answer(batch, r), executor);
    }
  }

  private static void answer(List<Pending> batch, CompletableFuture<Result> settled) {
    Result r;
    try {
      r = settled.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      batch.forEach(p -> p.reply().completeExceptionally(cause));
      return;
    } catch (RuntimeException e) {
      batch.forEach(p -> p.reply().completeExceptionally(e));
      return;
    }
    if (batch.size() == 1) {
      batch.get(0).reply().complete(r);
      return;
    }
    if (!r.hasBatch() || r.getBatch().getResultsCount() != batch.size()) {
      IllegalStateException e = new IllegalStateException("batch of " + batch.size()
          + " commands answered with " + r.getRCase());
      batch.forEach(p -> p.reply().completeExceptionally(e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).reply().complete(r.getBatch().getResults(i));
    }
  }
}
