package dev.keelson.chaos;

import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.nemesis.Nemesis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The time from each leader kill to the first write acknowledged after it. */
final class Unavailability {
  private Unavailability() {}

  static Map<String, Object> afterKills(List<Nemesis.Event> timeline, List<Op> okWrites) {
    List<Op> sorted = new ArrayList<>(okWrites);
    sorted.sort(Comparator.comparingLong(Op::nanos));
    List<Double> gaps = new ArrayList<>();
    int kills = 0;
    for (Nemesis.Event e : timeline) {
      if (!e.fault().equals("kill-leader") || !e.phase().equals("start")) {
        continue;
      }
      kills++;
      sorted.stream().filter(w -> w.nanos() > e.nanos()).findFirst()
          .ifPresent(w -> gaps.add((w.nanos() - e.nanos()) / 1e6));
    }
    gaps.sort(Double::compare);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kills", kills);
    out.put("noWriteAfterwards", kills - gaps.size()); // the run ended first
    if (!gaps.isEmpty()) {
      out.put("p50", percentile(gaps, 50));
      out.put("p99", percentile(gaps, 99));
      out.put("max", gaps.get(gaps.size() - 1));
      out.put("all", gaps);
    }
    return out;
  }

  private static double percentile(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
