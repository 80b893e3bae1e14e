package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.Set;
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
class ClosedLoopTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService server = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    timer.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void eachClientHasOneRequestOutstandingAndEveryTicketIsSentOnce() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    Set<Long> sent = ConcurrentHashMap.newKeySet();
    Set<Integer> busyClients = ConcurrentHashMap.newKeySet();
    AtomicInteger overlapping = new AtomicInteger();
    Operation op = (client, t, done) -> {
      if (!busyClients.add(client)) {
        overlapping.incrementAndGet();
      }
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      sent.add(t.seq());
      server.execute(() -> {
        inFlight.decrementAndGet();
        busyClients.remove(client);
        done.done(t.seq() % 10 == 3 ? Status.Code.UNAVAILABLE : Status.Code.OK);
      });
    };
    Stats stats = new Stats();

    new ClosedLoop(7, new Pacer(0, 0, 500, 0), op, stats, timer, System::nanoTime).run();

    assertThat(overlapping).hasValue(0);
    assertThat(maxInFlight.get()).isBetween(1, 7);
    assertThat(sent).hasSize(500);
    assertThat(stats.ok()).isEqualTo(450);
    assertThat(stats.errorsByCode()).containsEntry("UNAVAILABLE", 50L)
        .containsEntry("DEADLINE_EXCEEDED", 0L);
    assertThat(stats.latencies().getTotalCount()).isEqualTo(450);
  }

  @Test
  void operationsThatEndOnTheSendingThreadDoNotExhaustTheStack() throws Exception {
    Operation inline = (client, t, done) -> done.done(
        t.seq() % 50_000 == 7 ? Status.Code.INTERNAL : Status.Code.OK);
    Stats stats = new Stats();

    new ClosedLoop(2, new Pacer(0, 0, 200_000, 0), inline, stats, timer, System::nanoTime).run();

    assertThat(stats.ok()).isEqualTo(199_996);
    assertThat(stats.errorsByCode()).containsEntry("INTERNAL", 4L);
  }

  @Test
  void anOperationThatThrowsCountsAsAnErrorAndTheClientGoesOn() throws Exception {
    Operation throwing = (client, t, done) -> {
      if (t.seq() == 0) {
        throw Status.RESOURCE_EXHAUSTED.asRuntimeException();
      }
      done.done(Status.Code.OK);
    };
    Stats stats = new Stats();

    new ClosedLoop(1, new Pacer(0, 0, 5, 0), throwing, stats, timer, System::nanoTime).run();

    assertThat(stats.ok()).isEqualTo(4);
    assertThat(stats.errorsByCode()).containsEntry("RESOURCE_EXHAUSTED", 1L);
  }

  @Test
  void warmupOperationsAreNotRecorded() throws Exception {
    Operation ok = (client, t, done) -> done.done(Status.Code.OK);
    Stats stats = new Stats();
    // 1,000/s: the first 50 are the 50 ms warm-up, then 20 measured
    new ClosedLoop(3, new Pacer(1000, 50_000_000, 20, 0), ok, stats, timer, System::nanoTime)
        .run();

    assertThat(stats.ok()).isEqualTo(20);
  }
}
