package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoadReportTest {
  /** 1..10,000 microseconds, once each: percentile p is p * 100 µs. */
  private static Histogram uniform() {
    Histogram h = new Histogram(3);
    for (int v = 1; v <= 10_000; v++) {
      h.recordValue(v);
    }
    return h;
  }

  private static LoadReport report(Histogram h) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("clients", 300);
    params.put("endpoints", List.of("127.0.0.1:2379"));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("succeeded", 9990L);
    extra.put("fromSendMs", LoadReport.Latency.of(h));
    Map<String, Long> codes = new LinkedHashMap<>();
    codes.put("UNAVAILABLE", 10L);
    codes.put("DEADLINE_EXCEEDED", 0L);
    return LoadReport.of("txn-put", "keelson", params, 10_000, 10, codes, 4.0, "ops/s", h, extra);
  }

  @Test
  void theJsonHasTheFieldsTheCompareToolReads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("r.json");
    report(uniform()).writeJson(file);

    JsonNode json = LoadReport.mapper().readTree(Files.readString(file));
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("workload", "label", "params", "ops", "errors",
        "errorsByCode", "seconds", "throughput", "unit", "latencyMs", "distribution", "extra");
    assertThat(json.get("workload").asText()).isEqualTo("txn-put");
    assertThat(json.get("label").asText()).isEqualTo("keelson");
    assertThat(json.get("params").get("clients").asInt()).isEqualTo(300);
    assertThat(json.get("ops").asLong()).isEqualTo(10_000);
    assertThat(json.get("errorsByCode").get("UNAVAILABLE").asLong()).isEqualTo(10);
    assertThat(json.get("throughput").asDouble()).isEqualTo(2500.0);
    assertThat(json.get("unit").asText()).isEqualTo("ops/s");
    List<String> latency = new ArrayList<>();
    json.get("latencyMs").fieldNames().forEachRemaining(latency::add);
    assertThat(latency).containsExactly("p50", "p90", "p99", "p999", "max", "mean");
    JsonNode point = json.get("distribution").get(0);
    assertThat(point.get("percentile").isNumber()).isTrue();
    assertThat(point.get("ms").isNumber()).isTrue();
    assertThat(json.get("extra").get("succeeded").asLong()).isEqualTo(9990);
    assertThat(json.get("extra").get("fromSendMs").get("p99").asDouble())
        .isCloseTo(9.9, within(0.01));
  }

  @Test
  void latencyPercentilesAreInMillisecondsWithinTheHistogramsPrecision() {
    LoadReport.Latency l = LoadReport.Latency.of(uniform());

    assertThat(l.p50()).isCloseTo(5.0, within(0.005));
    assertThat(l.p90()).isCloseTo(9.0, within(0.01));
    assertThat(l.p99()).isCloseTo(9.9, within(0.01));
    assertThat(l.p999()).isCloseTo(9.99, within(0.01));
    assertThat(l.max()).isCloseTo(10.0, within(0.01));
    assertThat(l.mean()).isCloseTo(5.0, within(0.01));
  }

  @Test
  void theDistributionRisesFromTheMinimumToTheMaximumAtHalvingSteps() {
    List<LoadReport.Point> d = LoadReport.distribution(uniform());

    assertThat(d.get(0).percentile()).isEqualTo(0.0);
    assertThat(d.get(d.size() - 1).percentile()).isEqualTo(100.0);
    assertThat(d.get(d.size() - 1).ms()).isCloseTo(10.0, within(0.01));
    // 5 ticks per half: 0, 10, ..., 50, 55, ..., 75, 77.5, ...
    assertThat(d.subList(0, 8)).extracting(LoadReport.Point::percentile)
        .containsExactly(0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 55.0, 60.0);
    for (int i = 1; i < d.size(); i++) {
      assertThat(d.get(i).percentile()).isGreaterThanOrEqualTo(d.get(i - 1).percentile());
      assertThat(d.get(i).ms()).isGreaterThanOrEqualTo(d.get(i - 1).ms());
    }
    LoadReport.Point p50 = d.get(5);
    assertThat(p50.ms()).isCloseTo(5.0, within(0.005));
  }

  @Test
  void anEmptyRunReportsZerosAndNoDistribution() {
    LoadReport r = LoadReport.of("put", "etcd", Map.of(), 0, 3, Map.of(), 0, "ops/s",
        new Histogram(3), Map.of());

    assertThat(r.latencyMs()).isEqualTo(new LoadReport.Latency(0, 0, 0, 0, 0, 0));
    assertThat(r.distribution()).isEmpty();
    assertThat(r.throughput()).isZero();
  }
}
