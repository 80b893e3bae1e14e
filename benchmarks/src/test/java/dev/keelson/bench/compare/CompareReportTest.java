package dev.keelson.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** The comparison report, from hand-made result files in the load tool's JSON shape. */
class CompareReportTest {
  @TempDir Path dir;
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode run(String workload, double throughput, double p99) throws Exception {
    return json.readTree("{\"workload\":\"" + workload + "\",\"throughput\":" + throughput
        + ",\"unit\":\"ops/s\",\"errors\":0,\"latencyMs\":{\"p50\":1,\"p90\":2,\"p99\":" + p99
        + ",\"p999\":9,\"max\":10},\"distribution\":[{\"percentile\":0.0,\"ms\":0.5},"
        + "{\"percentile\":50.0,\"ms\":1},{\"percentile\":99.0,\"ms\":" + p99 + "}],"
        + "\"extra\":{\"ignored\":true}}");
  }

  @Test
  void ratiosAreAboveOneWhenKeelsonIsBetterForThroughputAndForLatency() throws Exception {
    Map<String, Map<String, JsonNode>> runs = new LinkedHashMap<>();
    runs.put("keelson", new LinkedHashMap<>(Map.of(
        "put-leader-c300", run("put", 2000, 50), "watch-latency", run("watch-latency", 1, 5))));
    runs.put("etcd", new LinkedHashMap<>(Map.of(
        "put-leader-c300", run("put", 1000, 20), "watch-latency", run("watch-latency", 1, 20))));
    List<Headlines.Line> lines = Headlines.of(runs);

    assertThat(lines).extracting(Headlines.Line::format).contains(
        "put-300-leader keelson=2000 etcd=1000 ratio=2.00",
        "watch-latency-p99 keelson=5.00 etcd=20.0 ratio=4.00",
        "range-serializable keelson=- etcd=- ratio=-");
    assertThat(lines).allSatisfy(l -> assertThat(l.format())
        .matches("[a-z0-9-]+ keelson=\\S+ etcd=\\S+ ratio=\\S+"));
  }

  @Test
  void theSectionIsReplacedBetweenItsMarkersAndTheRestIsKeptByteForByte() {
    String head = "# Benchmarks\n\nhand-written ✓\n\n";
    String tail = "\n\n## Later\ntext\n";
    String first = Report.replaceSection(head, "one");
    assertThat(first).startsWith(head).contains("one").endsWith(Report.END + "\n");
    String withTail = first + tail.substring(1);
    String second = Report.replaceSection(withTail, "two");
    assertThat(second).startsWith(head).doesNotContain("one").contains("two")
        .endsWith(Report.END + "\n" + tail.substring(1));
    assertThat(Report.replaceSection(second, "two")).isEqualTo(second);
  }

  @Test
  void chartsAreWellFormedSvgWithOneLinePerSystem() throws Exception {
    String svg = Charts.line("t <&>", "clients", "ops/s", List.of(
        new Charts.Series("keelson", List.of(new double[] {1, 100}, new double[] {300, 5000})),
        new Charts.Series("etcd", List.of(new double[] {1, 900}, new double[] {300, 11000}))),
        false);
    Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    NodeList lines = d.getElementsByTagName("polyline");
    assertThat(lines.getLength()).isEqualTo(2);
    assertThat(((Element) lines.item(0)).getAttribute("data-name")).isEqualTo("keelson");
    assertThat(((Element) lines.item(1)).getAttribute("points").split(" ")).hasSize(2);
  }

  @Test
  void checkPerfKeepsItsVerdictLinesAndShowsAnErrorOtherwise() {
    String out = " 60 / 60 Booooooo 100.00% 1m0s\r 60 / 60 Booo 100.00% 1m0s\n"
        + "PASS: Throughput is 151 writes/s\nSlowest request took too long: 0.534450s\n"
        + "FAIL: Stddev too high\nFAIL\n";
    assertThat(CheckPerf.summary(out)).containsExactly("PASS: Throughput is 151 writes/s",
        "Slowest request took too long: 0.534450s", "FAIL: Stddev too high", "FAIL");
    assertThat(CheckPerf.summary("Error: context deadline exceeded\n"))
        .containsExactly("(no verdict) Error: context deadline exceeded");
  }

  @Test
  void theCommandWritesTheSectionChartsAndFinalLines() throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    for (String sys : List.of("keelson", "etcd")) {
      for (int c : new int[] {1, 300}) {
        Files.writeString(results.resolve(sys + "-put-leader-c" + c + ".json"),
            run("put", c * (sys.equals("etcd") ? 2 : 1), 3).toString());
      }
    }
    Files.writeString(results.resolve("etcd-check-perf-m.txt"), "PASS\n");
    Path doc = dir.resolve("docs/benchmarks.md");
    Files.createDirectories(doc.getParent());
    Files.writeString(doc, "# kept\n");
    int rc = new CommandLine(new CompareReportCommand()).execute("--results", results.toString(),
        "--out", doc.toString(), "--charts", dir.resolve("docs/bench").toString(),
        "--warmup", "90 s of puts", "--masters-jvm", "-Xmx768m -XX:+UseG1GC");

    assertThat(rc).isZero();
    String md = Files.readString(doc);
    assertThat(md).startsWith("# kept\n").contains("| 300 | 300 | 600 | 0.50 |")
        .contains("etcd, --load=m: PASS").contains("](bench/put-throughput-vs-clients.svg)")
        .contains("each gets the same warm-up (90 s of puts)")
        .contains("Keelson's masters run with `-Xmx768m -XX:+UseG1GC`.");
    assertThat(dir.resolve("docs/bench/put-throughput-vs-clients.svg")).exists();
    assertThat(dir.resolve("docs/bench/compare.html")).exists();
  }
}
