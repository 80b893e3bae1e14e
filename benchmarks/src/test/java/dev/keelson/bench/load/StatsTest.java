package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StatsTest {
  @Test
  void recordsLatenciesInMicrosecondsAndErrorsByCode() {
    Stats s = new Stats();
    s.ok(1_000_000, 3_500_000);
    s.ok(2_000_000, 2_250_000);
    s.failed(Status.Code.DEADLINE_EXCEEDED, 9_000_000);
    s.failed(Status.Code.DEADLINE_EXCEEDED, 8_000_000);
    s.failed(Status.Code.UNAVAILABLE, 4_000_000);

    Histogram h = s.latencies();
    assertThat(h.getTotalCount()).isEqualTo(2);
    assertThat(h.getMaxValue()).isBetween(2495L, 2505L);
    assertThat(h.getMinValue()).isEqualTo(250);
    assertThat(s.ok()).isEqualTo(2);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.errorsByCode()).hasSize(Status.Code.values().length - 1)
        .doesNotContainKey("OK").containsEntry("DEADLINE_EXCEEDED", 2L)
        .containsEntry("UNAVAILABLE", 1L).containsEntry("INTERNAL", 0L);
    assertThat(s.lastEndNanos()).isEqualTo(9_000_000);
  }

  @Test
  void aRunWithNothingMeasuredHasNoEnd() {
    assertThat(new Stats().lastEndNanos()).isEqualTo(Long.MIN_VALUE);
    assertThat(new Stats().latencies().getTotalCount()).isZero();
  }
}
