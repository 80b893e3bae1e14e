package dev.keelson.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.PutResponse;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.store.raft.proto.BatchResult;
import dev.keelson.store.raft.proto.Command;
import dev.keelson.store.raft.proto.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Batching of proposals, driven through the send function the Raft node gives it: here one
 * that records each entry and lets the test decide when and how it completes.
 */
class ProposerTest {
  private final List<Command> entries = new ArrayList<>();
  private final List<CompletableFuture<Result>> replies = new ArrayList<>();

  private CompletableFuture<Result> send(Command entry) {
    entries.add(entry);
    CompletableFuture<Result> f = new CompletableFuture<>();
    replies.add(f);
    return f;
  }

  private static Command put(String key, int valueBytes) {
    return Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFrom(new byte[valueBytes]))).build();
  }

  private static Result revision(long rev) {
    return Result.newBuilder().setPut(PutResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(rev))).build();
  }

  /** A proposer whose requests are answered as soon as their entry is committed. */
  private Proposer<Result> proposer(int maxInFlight, int maxCommands, long maxBytes) {
    return new Proposer<>(this::send, CompletableFuture::completedFuture, Runnable::run,
        maxInFlight, maxCommands, maxBytes);
  }

  /** Answers entry {@code i} as the state machine would, one revision per command. */
  private void answer(int i, long firstRev) {
    Command e = entries.get(i);
    if (!e.hasBatch()) {
      replies.get(i).complete(revision(firstRev));
      return;
    }
    BatchResult.Builder b = BatchResult.newBuilder();
    for (int k = 0; k < e.getBatch().getCommandsCount(); k++) {
      b.addResults(revision(firstRev + k));
    }
    replies.get(i).complete(Result.newBuilder().setBatch(b).build());
  }

  @Test
  void aLoneRequestGoesAtOnceAndThoseArrivingMeanwhileShareTheNextEntryInOrder() {
    Proposer<Result> p = proposer(1, 100, 1 << 20);
    CompletableFuture<Result> first = p.submit(put("a", 10));
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).hasPut()).isTrue(); // a batch of one is sent as itself

    List<CompletableFuture<Result>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(p.submit(put("k" + i, 10)));
    }
    assertThat(entries).hasSize(1); // the only slot is taken

    answer(0, 2);
    assertThat(first.join().getPut().getHeader().getRevision()).isEqualTo(2);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(1).getBatch().getCommandsList())
        .extracting(c -> c.getPut().getKey().toStringUtf8())
        .containsExactly("k0", "k1", "k2", "k3", "k4");

    answer(1, 3);
    assertThat(waiting).extracting(f -> f.join().getPut().getHeader().getRevision())
        .containsExactly(3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void anEntryFreesItsSlotOnceCommittedWhileItsRequestsWaitForThisMastersApply() {
    CompletableFuture<Void> appliedHere = new CompletableFuture<>();
    Proposer<Result> p = new Proposer<>(this::send, r -> appliedHere.thenApply(v -> r),
        Runnable::run, 1, 100, 1 << 20);
    CompletableFuture<Result> first = p.submit(put("a", 1));
    CompletableFuture<Result> second = p.submit(put("b", 1));
    assertThat(entries).hasSize(1);

    answer(0, 7); // committed; this master has not applied it yet
    assertThat(entries).hasSize(2); // the slot is free: the next entry left at once
    assertThat(first).isNotDone();
    answer(1, 8);
    assertThat(second).isNotDone();

    appliedHere.complete(null);
    assertThat(first.join().getPut().getHeader().getRevision()).isEqualTo(7);
    assertThat(second.join().getPut().getHeader().getRevision()).isEqualTo(8);
  }

  @Test
  void batchesStopAtTheByteAndCountLimitsButAnOversizedCommandStillGoes() {
    Proposer<Result> p = proposer(1, 3, 250);
    p.submit(put("first", 10));
    p.submit(put("big", 1000));
    for (int i = 0; i < 5; i++) {
      p.submit(put("s" + i, 50));
    }
    answer(0, 2);
    assertThat(entries.get(1).hasPut()).isTrue(); // 1000 bytes: alone, over the limit
    answer(1, 3);
    assertThat(entries.get(2).getBatch().getCommandsCount()).isEqualTo(3); // count limit
    answer(2, 4);
    assertThat(entries.get(3).getBatch().getCommandsCount()).isEqualTo(2);
  }

  @Test
  void aFailedEntryFailsEveryRequestInItAndLaterRequestsStillGo() {
    Proposer<Result> p = proposer(1, 100, 1 << 20);
    p.submit(put("a", 1));
    CompletableFuture<Result> x = p.submit(put("x", 1));
    CompletableFuture<Result> y = p.submit(put("y", 1));
    answer(0, 2);
    replies.get(1).completeExceptionally(new IllegalStateException("no leader"));
    assertThat(x).isCompletedExceptionally();
    assertThat(y).isCompletedExceptionally();
    try {
      y.join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).hasMessage("no leader");
    }
    CompletableFuture<Result> z = p.submit(put("z", 1));
    answer(2, 3);
    assertThat(z.join().getPut().getHeader().getRevision()).isEqualTo(3);
  }

  @Test
  void repliesThatComeBackAtOnceDrainTheQueueWithoutRecursion() {
    List<Command> sent = new ArrayList<>();
    Proposer<Result> p = new Proposer<>(c -> {
      sent.add(c);
      return CompletableFuture.<Result>failedFuture(new IllegalStateException("stopped"));
    }, CompletableFuture::completedFuture, Runnable::run, 2, 1, 1 << 20);
    List<CompletableFuture<Result>> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      all.add(p.submit(put("k" + i, 1)));
    }
    assertThat(sent).hasSize(10_000);
    assertThat(all).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
  }
}
