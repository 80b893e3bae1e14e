package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PacerTest {
  private static final long START = 1_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  @Test
  void withARateEachOperationIsDueAtAFixedTimeWheneverItIsTaken() {
    Pacer p = new Pacer(1000, 0, 10, 0);
    p.start(START);

    // taken late: still due on the schedule, so its latency includes the wait
    Ticket first = p.next(START + 5 * SECOND);
    Ticket second = p.next(START + 5 * SECOND);

    assertThat(first.intendedNanos()).isEqualTo(START);
    assertThat(second.intendedNanos()).isEqualTo(START + 1_000_000);
    assertThat(second.seq()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}/s over {1} s of warm-up: {2} warm-up operations")
  @CsvSource({"1000, 1, 1000", "300, 0.5, 150", "7, 1, 7", "0.5, 3, 2", "100, 0, 0"})
  void theWarmupIsTheOperationsDueBeforeItEnds(double rate, double warmupSeconds,
      long expected) {
    Pacer p = new Pacer(rate, (long) (warmupSeconds * SECOND), 5, 0);
    p.start(START);

    assertThat(p.warmupOperations()).isEqualTo(expected);
    List<Ticket> tickets = drain(p, START);
    assertThat(tickets.stream().filter(t -> !t.measured()).count()).isEqualTo(expected);
    assertThat(tickets.stream().filter(Ticket::measured).count()).isEqualTo(5);
    long firstMeasuredDue = tickets.stream().filter(Ticket::measured).findFirst().orElseThrow()
        .intendedNanos();
    assertThat(firstMeasuredDue).isEqualTo(p.measureStartNanos())
        .isGreaterThanOrEqualTo(START + (long) (warmupSeconds * SECOND));
  }

  @Test
  void aRateDurationRunSchedulesRateTimesDurationMeasuredOperations() {
    Pacer p = new Pacer(200, SECOND, 0, 2 * SECOND);
    p.start(START);

    List<Ticket> tickets = drain(p, START);

    assertThat(tickets).hasSize(200 + 400);
    assertThat(tickets.get(tickets.size() - 1).intendedNanos())
        .isLessThan(p.measureStartNanos() + 2 * SECOND);
  }

  @Test
  void aRateDurationRunStopsAtTheEndEvenWhenTheScheduleIsBehind() {
    Pacer p = new Pacer(1000, 0, 0, SECOND);
    p.start(START);

    assertThat(p.next(START + SECOND / 2)).isNotNull();
    assertThat(p.next(START + SECOND)).isNull();
  }

  @Test
  void withoutARateAnOperationIsDueWhenTakenAndTheWarmupEndsByTheClock() {
    Pacer p = new Pacer(0, SECOND, 3, 0);
    p.start(START);

    Ticket warm = p.next(START + SECOND / 2);
    Ticket m1 = p.next(START + SECOND);
    assertThat(warm.measured()).isFalse();
    assertThat(warm.intendedNanos()).isEqualTo(START + SECOND / 2);
    assertThat(m1.measured()).isTrue();
    assertThat(m1.intendedNanos()).isEqualTo(START + SECOND);
    assertThat(p.next(START + 2 * SECOND)).isNotNull();
    assertThat(p.next(START + 2 * SECOND)).isNotNull();
    // the total counts measured operations only
    assertThat(p.next(START + 2 * SECOND)).isNull();
  }

  @Test
  void withoutARateADurationRunEndsByTheClock() {
    Pacer p = new Pacer(0, SECOND, 0, 2 * SECOND);
    p.start(START);

    assertThat(p.next(START + 3 * SECOND - 1)).isNotNull();
    assertThat(p.next(START + 3 * SECOND)).isNull();
  }

  @Test
  void sequenceNumbersCountEveryOperationFromZero() {
    Pacer p = new Pacer(0, 0, 4, 0);
    p.start(START);

    assertThat(drain(p, START)).extracting(Ticket::seq).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void aTotalAndADurationTogetherAreRejected() {
    assertThatThrownBy(() -> LoadOptions.pacer(0, 0, 10L, 5.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(drain(started(LoadOptions.pacer(0, 0, 10L, null)), START)).hasSize(10);
  }

  private static Pacer started(Pacer p) {
    p.start(START);
    return p;
  }

  /** Takes every ticket as if each were sent when due. */
  private static List<Ticket> drain(Pacer p, long now) {
    List<Ticket> out = new ArrayList<>();
    for (Ticket t = p.next(now); t != null; t = p.next(Math.max(now, t.intendedNanos()))) {
      out.add(t);
      assertThat(out).hasSizeLessThan(1_000_000);
    }
    return out;
  }
}
