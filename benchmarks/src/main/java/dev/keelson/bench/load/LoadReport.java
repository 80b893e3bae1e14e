package dev.keelson.bench.load;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The result of one load run, in the JSON shape the compare tool reads (keep the names).
 *
 * @param workload put, range, txn-put, watch or watch-latency
 * @param label what ran the servers, e.g. keelson or etcd
 * @param params every option's value, by option name without the dashes
 * @param ops measured operations that succeeded (events, for the watch workloads)
 * @param errors measured operations that failed (for watch also missing or disordered events)
 * @param errorsByCode failed requests by gRPC status code, every code but OK listed
 * @param seconds the measured time
 * @param throughput ops / seconds
 * @param unit throughput's unit: ops/s or events/s
 * @param latencyMs the latency percentiles; extra says what they time where it is not obvious
 * @param distribution the latency distribution at HdrHistogram's percentile ticks, for charts
 * @param extra workload-specific figures
 */
@JsonPropertyOrder({"workload", "label", "params", "ops", "errors", "errorsByCode", "seconds",
    "throughput", "unit", "latencyMs", "distribution", "extra"})
public record LoadReport(String workload, String label, Map<String, Object> params, long ops,
    long errors, Map<String, Long> errorsByCode, double seconds, double throughput, String unit,
    Latency latencyMs, List<Point> distribution, Map<String, Object> extra) {

  /** Ticks per half distance to 100%, as in HdrHistogram's percentile distribution output. */
  static final int TICKS_PER_HALF = 5;

  /** Latency percentiles in milliseconds. */
  @JsonPropertyOrder({"p50", "p90", "p99", "p999", "max", "mean"})
  public record Latency(double p50, double p90, double p99, double p999, double max, double mean) {
    @Override
    public String toString() {
      return String.format("p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f ms",
          p50, p90, p99, p999, max, mean);
    }

    /** Summarizes a histogram of microseconds (all zero if it is empty). */
    public static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return new Latency(0, 0, 0, 0, 0, 0);
      }
      return new Latency(ms(micros.getValueAtPercentile(50)),
          ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
          ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()),
          Math.round(micros.getMean()) / 1000.0);
    }
  }

  /** One point of the distribution: {@code percentile}% of the latencies are at most {@code ms}. */
  @JsonPropertyOrder({"percentile", "ms"})
  public record Point(double percentile, double ms) {}

  /** The percentile ticks of a histogram of microseconds, as outputPercentileDistribution. */
  static List<Point> distribution(Histogram micros) {
    List<Point> out = new ArrayList<>();
    if (micros.getTotalCount() == 0) {
      return out;
    }
    for (HistogramIterationValue v : micros.percentiles(TICKS_PER_HALF)) {
      out.add(new Point(v.getPercentileLevelIteratedTo(),
          ms(micros.highestEquivalentValue(v.getValueIteratedTo()))));
    }
    return out;
  }

  /** A report of {@code ops} over {@code seconds}; throughput and latencies are derived. */
  public static LoadReport of(String workload, String label, Map<String, Object> params, long ops,
      long errors, Map<String, Long> errorsByCode, double seconds, String unit,
      Histogram latencyMicros, Map<String, Object> extra) {
    return new LoadReport(workload, label, params, ops, errors, errorsByCode,
        round(seconds, 3), seconds > 0 ? round(ops / seconds, 1) : 0, unit,
        Latency.of(latencyMicros), distribution(latencyMicros), extra);
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  /** Prints the summary to stdout and, if {@code jsonOut} is given, writes the JSON there. */
  public void emit(Path jsonOut) throws IOException {
    print(System.out);
    if (jsonOut != null) {
      writeJson(jsonOut);
      System.err.println("wrote " + jsonOut);
    }
  }

  public void writeJson(Path file) throws IOException {
    mapper().writeValue(file.toFile(), this);
  }

  public static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** The short human summary. */
  public void print(PrintStream out) {
    out.printf("%s [%s]: %d ops, %d errors in %.2f s = %.1f %s%n", workload, label, ops, errors,
        seconds, throughput, unit);
    out.println("  latency: " + latencyMs);
    String codes = errorsByCode.entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    if (!codes.isEmpty()) {
      out.println("  errors by code: " + codes);
    }
    extra.forEach((k, v) -> out.println("  " + k + ": " + v));
  }
}
