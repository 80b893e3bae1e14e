package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HttpStatsTest {
  private static final long MS = 1_000_000;

  @Test
  void successesAreTimedAndFailuresCountedByCodeInOrder() {
    HttpStats s = new HttpStats();
    s.record(Outcome.OK, 0, 3 * MS);
    s.record(Outcome.OK, 10 * MS, 11 * MS);
    s.record(Outcome.status(500, 201), 20 * MS, 40 * MS);
    s.record(Outcome.status(409, 201), 20 * MS, 30 * MS);
    s.record(Outcome.status(409, 201), 20 * MS, 30 * MS);
    s.record(Outcome.failed("timeout"), 0, 50 * MS);

    assertThat(s.ok()).isEqualTo(2);
    assertThat(s.errors()).isEqualTo(4);
    assertThat(s.errorsByCode()).containsExactly(java.util.Map.entry("409", 2L),
        java.util.Map.entry("500", 1L), java.util.Map.entry("timeout", 1L));
    assertThat(s.latencies().getTotalCount()).isEqualTo(2);
    assertThat(s.latencies().getMaxValue()).isBetween(2995L, 3005L);
    assertThat(s.lastEndNanos()).isEqualTo(50 * MS);
    assertThat(s.secondsSince(0)).isCloseTo(0.05, within(1e-9));
  }

  @Test
  void nothingEndedIsZeroSeconds() {
    assertThat(new HttpStats().secondsSince(123)).isZero();
  }

  @Test
  void outcomesOfFailedFuturesNameTheCauseNotTheWrapper() {
    assertThat(Outcome.of(new CompletionException(new HttpTimeoutException("t"))).error())
        .isEqualTo("timeout");
    assertThat(Outcome.of(new ExecutionException(new CompletionException(
        new ConnectException("refused")))).error()).isEqualTo("io:ConnectException");
    assertThat(Outcome.of(new IOException("x")).error()).isEqualTo("io:IOException");
    assertThat(Outcome.status(201, 201).ok()).isTrue();
    assertThat(Outcome.status(200, 201).error()).isEqualTo("200");
  }
}
