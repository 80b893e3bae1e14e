package dev.keelson.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns the result files of {@code benchmarks/bin/compare} (one JSON per system and workload,
 * plus {@code etcdctl check perf} outputs) into the generated section of docs/benchmarks.md,
 * SVG charts, and one line per headline workload on stdout.
 */
@Command(name = "compare-report", mixinStandardHelpOptions = true,
    description = "Writes the etcd/Keelson comparison from benchmarks/bin/compare's results.")
public final class CompareReportCommand implements Callable<Integer> {
  @Option(names = "--results", required = true, description = "Directory of <system>-<run>.json.")
  Path results;

  @Option(names = "--out", required = true, description = "Markdown file to update.")
  Path out;

  @Option(names = "--charts", required = true, description = "Directory for the SVG charts.")
  Path charts;

  @Option(names = "--command", defaultValue = "bin/keelson bench compare",
      description = "The command that produced the results, quoted in the report.")
  String command;

  @Option(names = "--quick", description = "The results come from a --quick run.")
  boolean quick;

  @Option(names = "--no-check-perf", description = "etcdctl check perf was not run.")
  boolean noCheckPerf;

  @Option(names = "--warmup", defaultValue = "warm-up puts",
      description = "What each system ran before the measured runs, quoted in the report.")
  String warmup;

  @Option(names = "--masters-jvm", defaultValue = "",
      description = "Keelson masters' JVM options, quoted in the report.")
  String mastersJvm;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() throws IOException {
    Map<String, Map<String, JsonNode>> runs = new LinkedHashMap<>();
    for (String sys : Headlines.SYSTEMS) {
      runs.put(sys, new LinkedHashMap<>());
    }
    try (var files = Files.list(results)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.json$", "");
        int dash = name.indexOf('-');
        if (dash > 0 && runs.containsKey(name.substring(0, dash))) {
          runs.get(name.substring(0, dash)).put(name.substring(dash + 1), json.readTree(f.toFile()));
        }
      }
    }
    Map<String, List<String>> checkPerf = new LinkedHashMap<>();
    for (String sys : Headlines.SYSTEMS) {
      for (String load : List.of("m", "l")) {
        Path f = results.resolve(sys + "-check-perf-" + load + ".txt");
        if (Files.exists(f)) {
          checkPerf.put(sys + " --load=" + load, CheckPerf.summary(Files.readString(f)));
        }
      }
    }
    List<Headlines.Line> lines = Headlines.of(runs);
    Files.createDirectories(charts);
    List<String> chartFiles = Charts.write(runs, charts);
    String section = Report.markdown(runs, lines, checkPerf, chartFiles, context(),
        out.getParent() == null ? charts : out.getParent().relativize(charts));
    Files.writeString(out, Report.replaceSection(
        Files.exists(out) ? Files.readString(out) : "", section), StandardCharsets.UTF_8);
    Files.writeString(charts.resolve("compare.html"), Charts.html(chartFiles, charts),
        StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " and " + chartFiles.size() + " charts in " + charts);
    lines.forEach(l -> System.out.println(l.format()));
    return 0;
  }

  private Map<String, String> context() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    c.put("command", command);
    c.put("results", results.toAbsolutePath().toString());
    c.put("mode", quick ? "--quick (short runs; no etcdctl check perf)"
        : noCheckPerf ? "full, without etcdctl check perf" : "full");
    c.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    c.put("memory", memTotal());
    c.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    c.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    c.put("load", loadAverage());
    c.put("warmup", warmup);
    c.put("mastersJvm", mastersJvm);
    return c;
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal")).findFirst()
          .map(l -> String.format(Locale.ROOT, "%.1f GiB",
              Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
          .orElse("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /** For tests: the parsed check perf summary of one output. */
  static List<String> checkPerfLines(String output) {
    return new ArrayList<>(CheckPerf.summary(output));
  }
}
