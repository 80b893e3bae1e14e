package dev.keelson.bench.compare;

import java.util.List;

/** The summary of an {@code etcdctl check perf} output: its PASS / FAIL lines and verdict. */
final class CheckPerf {
  private CheckPerf() {}

  /**
   * The lines etcdctl ends with ("PASS: Throughput is 151 writes/s", "FAIL: Stddev ...",
   * "PASS"/"FAIL"), progress bars and blank lines dropped; an output without any gives its
   * last line, so an error shows.
   */
  static List<String> summary(String output) {
    List<String> lines = output.lines()
        .map(l -> l.contains("\r") ? l.substring(l.lastIndexOf('\r') + 1) : l)
        .map(String::strip)
        // etcdctl 3.4 prints one failure without its prefix: "Slowest request took too long"
        .filter(l -> l.startsWith("PASS") || l.startsWith("FAIL") || l.startsWith("Slowest"))
        .toList();
    if (!lines.isEmpty()) {
      return lines;
    }
    List<String> all = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return List.of(all.isEmpty() ? "(no output)" : "(no verdict) " + all.get(all.size() - 1));
  }
}
