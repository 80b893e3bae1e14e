package dev.keelson.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The workloads the comparison ends with, one line each, and how their ratio is taken. */
final class Headlines {
  static final List<String> SYSTEMS = List.of("keelson", "etcd");

  private Headlines() {}

  /**
   * @param name the workload's name on the final line
   * @param run the result file's run name
   * @param latency true: the value is p99 in ms and the ratio etcd/keelson; false: throughput
   *     and keelson/etcd. Above 1 is Keelson better either way.
   */
  record Def(String name, String title, String run, boolean latency) {}

  static final List<Def> DEFS = List.of(
      new Def("put-300-leader", "put, 300 clients, to the leader (ops/s)", "put-leader-c300", false),
      new Def("put-300-all", "put, 300 clients, to all members (ops/s)", "put-all-c300", false),
      new Def("put-1-p99", "put, 1 client, p99 latency (ms)", "put-leader-c1", true),
      new Def("range-serializable", "range serializable, 300 clients (ops/s)", "range-s", false),
      new Def("range-linearizable", "range linearizable, 300 clients (ops/s)", "range-l", false),
      new Def("txn-put", "txn-put (compare-and-swap), 100 clients (ops/s)", "txn-put", false),
      new Def("watch-1000", "watch, 1,000 watchers, events delivered/s", "watch", false),
      new Def("watch-latency-p99", "watch latency from put reply, 1,000 watchers, p99 (ms)",
          "watch-latency", true));

  /** One final line: a missing value prints as "-" and its ratio as "-". */
  record Line(Def def, Double keelson, Double etcd) {
    Double ratio() {
      if (keelson == null || etcd == null) {
        return null;
      }
      if (def.latency()) {
        return keelson == 0 ? null : etcd / keelson;
      }
      return etcd == 0 ? null : keelson / etcd;
    }

    String format() {
      return def.name() + " keelson=" + num(keelson) + " etcd=" + num(etcd) + " ratio="
          + (ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio()));
    }
  }

  static List<Line> of(Map<String, Map<String, JsonNode>> runs) {
    List<Line> out = new ArrayList<>();
    for (Def d : DEFS) {
      out.add(new Line(d, value(runs.get("keelson").get(d.run()), d),
          value(runs.get("etcd").get(d.run()), d)));
    }
    return out;
  }

  static Double value(JsonNode run, Def d) {
    if (run == null) {
      return null;
    }
    return d.latency() ? run.path("latencyMs").path("p99").asDouble()
        : run.path("throughput").asDouble();
  }

  /** Three significant digits, no exponent. */
  static String num(Double v) {
    if (v == null) {
      return "-";
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
