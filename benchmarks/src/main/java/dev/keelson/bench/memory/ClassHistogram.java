package dev.keelson.bench.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code jcmd <pid> GC.class_histogram}: instances and bytes per class, and totals. */
public final class ClassHistogram {
  //    1:         12345        1234567  [B (java.base@17.0.15)
  private static final Pattern ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");
  // Total        123456       12345678
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  /** One class's line, or one class's difference between two histograms. */
  public record Row(String className, long instances, long bytes) {}

  private final Map<String, Row> rows;
  private final long totalInstances;
  private final long totalBytes;

  private ClassHistogram(Map<String, Row> rows, long totalInstances, long totalBytes) {
    this.rows = rows;
    this.totalInstances = totalInstances;
    this.totalBytes = totalBytes;
  }

  public static ClassHistogram parse(String jcmdOutput) {
    Map<String, Row> rows = new HashMap<>();
    long instances = -1;
    long bytes = -1;
    for (String line : jcmdOutput.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        // the same name can appear twice (one class in two loaders): add them up
        rows.merge(m.group(3), new Row(m.group(3), Long.parseLong(m.group(1)),
            Long.parseLong(m.group(2))), (a, b) -> new Row(a.className(),
            a.instances() + b.instances(), a.bytes() + b.bytes()));
        continue;
      }
      Matcher t = TOTAL.matcher(line.trim());
      if (t.matches()) {
        instances = Long.parseLong(t.group(1));
        bytes = Long.parseLong(t.group(2));
      }
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("not a class histogram (no Total line): "
          + jcmdOutput.substring(0, Math.min(300, jcmdOutput.length())));
    }
    return new ClassHistogram(rows, instances, bytes);
  }

  public long totalBytes() {
    return totalBytes;
  }

  public long totalInstances() {
    return totalInstances;
  }

  public Row row(String className) {
    return rows.getOrDefault(className, new Row(className, 0, 0));
  }

  /** What grew from {@code before} to this histogram, largest byte growth first. */
  public List<Row> growthSince(ClassHistogram before, int limit) {
    Set<String> names = new HashSet<>(rows.keySet());
    names.addAll(before.rows.keySet());
    List<Row> diff = new ArrayList<>();
    for (String n : names) {
      Row a = row(n);
      Row b = before.row(n);
      diff.add(new Row(n, a.instances() - b.instances(), a.bytes() - b.bytes()));
    }
    diff.sort(Comparator.comparingLong(Row::bytes).reversed());
    return diff.subList(0, Math.min(limit, diff.size()));
  }
}
