package dev.keelson.chaos.check;

import java.util.List;
import java.util.Map;

/**
 * What one checker concluded: valid only when it found no anomaly.
 *
 * @param checker the checker's name
 * @param anomalies every broken guarantee found (a checker reports at most
 *     {@link #MAX_PER_NAME} of each name, and counts the rest in {@code stats})
 * @param stats counts that describe the history (operations by outcome and so on)
 */
public record CheckResult(String checker, List<Anomaly> anomalies, Map<String, Long> stats) {
  public static final int MAX_PER_NAME = 20;

  public CheckResult {
    anomalies = List.copyOf(anomalies);
    stats = Map.copyOf(stats);
  }

  public boolean valid() {
    return anomalies.isEmpty();
  }

  /** The distinct anomaly names, in the order first found. */
  public List<String> names() {
    return anomalies.stream().map(Anomaly::name).distinct().toList();
  }
}
