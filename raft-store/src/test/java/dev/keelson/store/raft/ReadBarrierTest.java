package dev.keelson.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** ReadIndex rounds shared between readers, driven through the round function it is given. */
class ReadBarrierTest {
  private final List<CompletableFuture<Void>> rounds = new ArrayList<>();

  private CompletableFuture<?> round() {
    CompletableFuture<Void> r = new CompletableFuture<>();
    rounds.add(r);
    return r;
  }

  @Test
  void aReaderArrivingDuringARoundWaitsForTheNextOneWhichAllLateReadersShare() {
    ReadBarrier b = new ReadBarrier(this::round, Runnable::run);
    CompletableFuture<Void> first = b.await();
    assertThat(rounds).hasSize(1);

    CompletableFuture<Void> late1 = b.await();
    CompletableFuture<Void> late2 = b.await();
    assertThat(rounds).hasSize(1); // one round at a time

    rounds.get(0).complete(null);
    assertThat(first).isCompleted();
    // the round in flight when they arrived may predate their writes' acknowledgement
    assertThat(late1).isNotDone();
    assertThat(late2).isNotDone();
    assertThat(rounds).hasSize(2);

    rounds.get(1).complete(null);
    assertThat(late1).isCompleted();
    assertThat(late2).isCompleted();
    assertThat(rounds).hasSize(2); // nobody waiting: no further round
  }

  @Test
  void aFailedRoundFailsItsReadersAndTheNextReaderStartsAFreshRound() {
    ReadBarrier b = new ReadBarrier(this::round, Runnable::run);
    CompletableFuture<Void> r = b.await();
    rounds.get(0).completeExceptionally(new IllegalStateException("no leader"));
    assertThat(r).isCompletedExceptionally();

    CompletableFuture<Void> again = b.await();
    assertThat(rounds).hasSize(2);
    rounds.get(1).complete(null);
    assertThat(again).isCompleted();
  }

  @Test
  void roundsThatFailAtOnceDoNotRecurse() {
    int[] calls = {0};
    ReadBarrier b = new ReadBarrier(() -> {
      calls[0]++;
      return CompletableFuture.failedFuture(new IllegalStateException("stopped"));
    }, Runnable::run);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      all.add(b.await());
    }
    assertThat(all).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
    assertThat(calls[0]).isEqualTo(10_000);
  }
}
