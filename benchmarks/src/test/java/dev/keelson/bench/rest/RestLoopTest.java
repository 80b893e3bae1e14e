package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.bench.load.Pacer;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestLoopTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService server = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    timer.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void eachClientHasOneRequestOutstandingAndFailuresAreCountedByCode() throws Exception {
    Set<Integer> busy = ConcurrentHashMap.newKeySet();
    Set<Long> sent = ConcurrentHashMap.newKeySet();
    AtomicInteger overlapping = new AtomicInteger();
    RestOperation op = (client, t) -> {
      if (!busy.add(client)) {
        overlapping.incrementAndGet();
      }
      sent.add(t.seq());
      return CompletableFuture.supplyAsync(() -> {
        busy.remove(client);
        return t.seq() % 10 == 3 ? Outcome.status(409, 201) : Outcome.OK;
      }, server);
    };
    HttpStats stats = new HttpStats();

    new RestLoop(5, new Pacer(0, 0, 300, 0), op, stats, timer, System::nanoTime).run();

    assertThat(overlapping).hasValue(0);
    assertThat(sent).hasSize(300);
    assertThat(stats.ok()).isEqualTo(270);
    assertThat(stats.errorsByCode()).containsExactly(java.util.Map.entry("409", 30L));
  }

  @Test
  void futuresCompleteAlreadyDoNotExhaustTheStack() throws Exception {
    RestOperation inline = (client, t) -> CompletableFuture.completedFuture(Outcome.OK);
    HttpStats stats = new HttpStats();

    new RestLoop(2, new Pacer(0, 0, 100_000, 0), inline, stats, timer, System::nanoTime).run();

    assertThat(stats.ok()).isEqualTo(100_000);
  }

  @Test
  void aFailedFutureOrAThrowingSendCountsAndTheClientGoesOn() throws Exception {
    RestOperation op = (client, t) -> {
      if (t.seq() == 0) {
        throw new IllegalStateException("boom");
      }
      if (t.seq() == 1) {
        return CompletableFuture.failedFuture(new HttpTimeoutException("slow"));
      }
      return CompletableFuture.completedFuture(Outcome.OK);
    };
    HttpStats stats = new HttpStats();

    new RestLoop(1, new Pacer(0, 0, 5, 0), op, stats, timer, System::nanoTime).run();

    assertThat(stats.ok()).isEqualTo(3);
    assertThat(stats.errorsByCode()).containsEntry("timeout", 1L)
        .containsEntry("io:IllegalStateException", 1L);
  }

  @Test
  void warmupRequestsAreNotRecorded() throws Exception {
    RestOperation ok = (client, t) -> CompletableFuture.completedFuture(Outcome.OK);
    HttpStats stats = new HttpStats();
    // 1,000/s: the first 50 are the 50 ms warm-up, then 20 measured
    new RestLoop(3, new Pacer(1000, 50_000_000, 20, 0), ok, stats, timer, System::nanoTime)
        .run();

    assertThat(stats.ok()).isEqualTo(20);
  }
}
