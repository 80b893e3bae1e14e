package dev.keelson.store.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Shares ReadIndex rounds between concurrent linearizable reads on one master, as etcd's
 * linearizable read loop does. A read waits for the first round that starts after it arrived
 * (so it sees every write acknowledged before it arrived); at most one round is in flight, and
 * every read arriving meanwhile joins the next one. One reader alone waits for one round, as
 * before; a thousand share a handful.
 */
final class ReadBarrier {
  private final Supplier<CompletableFuture<?>> round;
  private final Executor executor;
  /** Readers for the next round, not yet started; null when none wait. */
  private CompletableFuture<Void> next;
  private boolean inFlight;

  /**
   * @param round runs one ReadIndex round: completes once this master has applied everything
   *     committed when the round started
   * @param executor where a round's completion is handled and the next round started: never
   *     on the thread that completed the round, which may hold Raft's locks
   */
  ReadBarrier(Supplier<CompletableFuture<?>> round, Executor executor) {
    this.round = round;
    this.executor = executor;
  }

  /** Completes once a round that started after this call has completed. */
  CompletableFuture<Void> await() {
    CompletableFuture<Void> mine;
    boolean start;
    synchronized (this) {
      if (next == null) {
        next = new CompletableFuture<>();
      }
      mine = next;
      start = !inFlight;
      if (start) {
        inFlight = true;
        next = null;
      }
    }
    if (start) {
      run(mine);
    }
    return mine;
  }

  private void run(CompletableFuture<Void> readers) {
    while (true) {
      CompletableFuture<?> r;
      try {
        r = round.get();
      } catch (RuntimeException e) {
        r = CompletableFuture.failedFuture(e);
      }
      if (!r.isDone()) {
        CompletableFuture<Void> these = readers;
        r.whenCompleteAsync((v, t) -> {
          settle(these, t);
          CompletableFuture<Void> more = takeNext();
          if (more != null) {
            run(more);
          }
        }, executor);
        return;
      }
      // answered at once (a failure, usually): loop instead of recursing
      settle(readers, r.isCompletedExceptionally() ? failure(r) : null);
      CompletableFuture<Void> more = takeNext();
      if (more == null) {
        return;
      }
      readers = more;
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  private static void settle(CompletableFuture<Void> readers, Throwable t) {
    if (t == null) {
      readers.complete(null);
    } else {
      readers.completeExceptionally(
          t instanceof java.util.concurrent.CompletionException && t.getCause() != null
              ? t.getCause() : t);
    }
  }

  /** The readers that arrived during the round just finished; they start the next one. */
  private synchronized CompletableFuture<Void> takeNext() {
    CompletableFuture<Void> more = next;
    next = null;
    inFlight = more != null;
    return more;
  }
}
