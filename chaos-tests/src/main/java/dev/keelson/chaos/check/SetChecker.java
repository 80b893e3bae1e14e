package dev.keelson.chaos.check;

import dev.keelson.chaos.history.Call;
import dev.keelson.chaos.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sets that only grow ({@code add} an element, {@code read-all} the elements), per key: no
 * acknowledged add is missing from a read that began after the add completed
 * ({@code lost-write}), and no read shows an element that was never added or whose add
 * certainly failed ({@code phantom-write}). Adds with an unknown outcome may or may not appear;
 * the checker counts which did.
 */
public final class SetChecker {
  private SetChecker() {}

  public static CheckResult check(List<Op> history) {
    Map<String, List<Call>> byKey = new TreeMap<>();
    for (Call c : Call.pair(history)) {
      byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
    }
    List<Anomaly> anomalies = new ArrayList<>();
    Map<String, Long> stats = new LinkedHashMap<>();
    for (Map.Entry<String, List<Call>> e : byKey.entrySet()) {
      checkKey(e.getKey(), e.getValue(), anomalies, stats);
    }
    return new CheckResult("set", anomalies, stats);
  }

  private static void checkKey(String key, List<Call> calls, List<Anomaly> anomalies,
      Map<String, Long> stats) {
    Map<Long, Call> adds = new HashMap<>();
    List<Call> reads = new ArrayList<>();
    for (Call c : calls) {
      stats.merge(c.f() + "-" + c.outcome().name().toLowerCase(Locale.ROOT), 1L,
          Long::sum);
      switch (c.f()) {
        case "add" -> {
          Call twice = adds.put(c.invoke().value(), c);
          if (twice != null) {
            throw new IllegalArgumentException("element " + c.invoke().value()
                + " added twice: " + twice.invoke().describe() + ", " + c.invoke().describe());
          }
        }
        case "read-all" -> {
          if (c.ok()) {
            reads.add(c);
          }
        }
        default -> throw new IllegalArgumentException("not a set operation: "
            + c.invoke().describe());
      }
    }
    if (reads.isEmpty()) {
      anomalies.add(new Anomaly("no-final-read", "key " + key
          + ": no read succeeded, so nothing can be checked", List.of()));
      return;
    }
    int phantoms = 0;
    for (Call read : reads) {
      for (long element : read.completion().elements()) {
        Call add = adds.get(element);
        if (add == null || add.outcome() == Op.Type.FAIL) {
          if (++phantoms <= CheckResult.MAX_PER_NAME) {
            List<String> evidence = new ArrayList<>();
            evidence.add(read.completion().describe());
            if (add != null) {
              evidence.add(add.invoke().describe());
              evidence.add(add.completion().describe());
            }
            anomalies.add(new Anomaly("phantom-write", "key " + key + ": element " + element
                + (add == null ? " was never added" : " was added by an operation that failed")
                + " but was read", evidence));
          }
        }
      }
    }
    Call last = reads.get(reads.size() - 1);
    Set<Long> present = new HashSet<>(last.completion().elements());
    int lost = 0;
    long recovered = 0;
    long unknownAbsent = 0;
    for (Call add : adds.values()) {
      boolean in = present.contains(add.invoke().value());
      switch (add.outcome()) {
        case OK -> {
          if (!in && add.returnIndex() < last.invoke().index()
              && ++lost <= CheckResult.MAX_PER_NAME) {
            anomalies.add(new Anomaly("lost-write", "key " + key + ": element "
                + add.invoke().value() + " was acknowledged, then missing from the final read",
                List.of(add.invoke().describe(), add.completion().describe(),
                    last.completion().describe())));
          }
        }
        case INFO -> {
          if (in) {
            recovered++;
          } else {
            unknownAbsent++;
          }
        }
        default -> { }
      }
    }
    stats.merge("lost", (long) lost, Long::sum);
    stats.merge("phantom", (long) phantoms, Long::sum);
    stats.merge("unknown-present", recovered, Long::sum);
    stats.merge("unknown-absent", unknownAbsent, Long::sum);
    stats.merge("final-elements", (long) present.size(), Long::sum);
  }
}
