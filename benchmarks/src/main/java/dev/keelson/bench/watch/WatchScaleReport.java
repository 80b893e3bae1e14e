package dev.keelson.bench.watch;

import dev.keelson.bench.memory.ClassHistogram;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/** What {@code watch-scale} measured, as records that print as a table and serialize to JSON. */
record WatchScaleReport(String command, String startedAt, Setup setup,
    List<Repetition> repetitions, Map<String, Summary> summary, double loadAverageAtEnd) {

  /**
   * @param endpoints every endpoint given
   * @param watchEndpoint where the streams and watchers are
   * @param watchEndpointRole "leader" or "follower" when the run started
   * @param serverVersion the version the watch endpoint reports
   * @param memoryProbe how memory was measured
   * @param loadAverageAtStart this machine's 1-minute load average when the run started (other
   *     work on the machine makes latencies noisier)
   */
  record Setup(List<String> endpoints, String watchEndpoint, String watchEndpointRole,
      String serverVersion, String memoryProbe, int connections, int streams,
      int watchersPerStream, int puts, int warmupPuts, int watchedWarmupPuts, int putThreads,
      int valueSize, boolean stall, int stallWatchers, int cores, String javaVersion,
      double loadAverageAtStart) {}

  /**
   * Memory of the server at the steps of one repetition: after connecting (base), after opening
   * the streams, after creating the watchers, after closing everything. "heap" is the JVM's live
   * heap after a full GC, or the Go heap etcd reports (garbage included); -1 where unknown.
   */
  record Memory(long heapBase, long heapStreams, long heapWatchers, long heapClosed,
      long rssBase, long rssStreams, long rssWatchers, long rssClosed,
      double heapPerStream, double heapPerWatching, double rssPerStream, double rssPerWatching,
      List<ClassHistogram.Row> streamGrowth, List<ClassHistogram.Row> watcherGrowth,
      List<ClassHistogram.Row> closedGrowth) {}

  /** Latency percentiles in milliseconds. */
  record Latency(long count, double p50, double p90, double p99, double max) {
    static Latency of(Histogram micros) {
      return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
          ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
          ms(micros.getMaxValue()));
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }

  /**
   * One put phase: with no watchers (idle), or with every watcher of the fleet watching.
   *
   * @param put send to acknowledgement
   * @param putByEndpoint the same, by the endpoint the put went to
   * @param delivery put sent to event received, over every event every watcher received
   * @param allDeliveredSeconds first put sent to the last watcher's last event
   * @param check the fleet's events so far, checked (every watcher, every event, in order)
   * @param stall the stalled reader's figures, if this phase had one
   */
  record Phase(String name, int watchers, int puts, long firstRevision, long lastRevision,
      Latency put, Map<String, Latency> putByEndpoint, double putsPerSecond, Latency delivery, double allDeliveredSeconds, long eventsDelivered,
      CountingStream.Check check, Stall stall) {}

  /**
   * A stream that stopped reading for a whole phase, then read again.
   *
   * @param responsesWhileStalled what reached it while it was not reading (0: it was stalled)
   * @param heapHeld server heap grown from before the phase to its end, before the stalled
   *     stream reads again (0 where not measured)
   * @param catchUpSeconds from resuming to its last watcher's last event
   * @param check its events, checked
   */
  record Stall(int watchers, long responsesWhileStalled, long heapHeld, long rssHeld,
      double catchUpSeconds, CountingStream.Check check) {}

  record Repetition(int n, Memory memory, List<Phase> phases) {}

  record Summary(double median, double min, double max) {
    static Summary of(List<Double> values) {
      List<Double> v = new ArrayList<>(values);
      v.sort(Double::compare);
      int n = v.size();
      double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
      return new Summary(median, v.get(0), v.get(n - 1));
    }
  }

  /** Median, min and max over the repetitions of every figure the table shows. */
  static Map<String, Summary> summarize(List<Repetition> reps) {
    Map<String, Summary> out = new LinkedHashMap<>();
    put(out, "heapPerStream", reps, r -> r.memory().heapPerStream());
    put(out, "heapPerWatching", reps, r -> r.memory().heapPerWatching());
    put(out, "rssPerStream", reps, r -> r.memory().rssPerStream());
    put(out, "rssPerWatching", reps, r -> r.memory().rssPerWatching());
    for (int i = 0; i < reps.get(0).phases().size(); i++) {
      int p = i;
      String name = reps.get(0).phases().get(i).name();
      put(out, name + ".putP50Ms", reps, r -> r.phases().get(p).put().p50());
      put(out, name + ".putP99Ms", reps, r -> r.phases().get(p).put().p99());
      put(out, name + ".putsPerSecond", reps, r -> r.phases().get(p).putsPerSecond());
      if (reps.get(0).phases().get(i).watchers() == 0) {
        continue;
      }
      put(out, name + ".deliveryP50Ms", reps, r -> r.phases().get(p).delivery().p50());
      put(out, name + ".deliveryP99Ms", reps, r -> r.phases().get(p).delivery().p99());
      put(out, name + ".allDeliveredSeconds", reps, r -> r.phases().get(p).allDeliveredSeconds());
      if (reps.get(0).phases().get(i).stall() != null) {
        put(out, name + ".stalledCatchUpSeconds", reps,
            r -> r.phases().get(p).stall().catchUpSeconds());
        put(out, name + ".stalledHeapHeld", reps, r -> r.phases().get(p).stall().heapHeld());
        put(out, name + ".stalledRssHeld", reps, r -> r.phases().get(p).stall().rssHeld());
      }
    }
    return out;
  }

  private static void put(Map<String, Summary> out, String key, List<Repetition> reps,
      ToDoubleFunction<Repetition> f) {
    out.put(key, Summary.of(reps.stream().map(f::applyAsDouble).toList()));
  }

  boolean allChecksPassed() {
    for (Repetition r : repetitions) {
      for (Phase p : r.phases()) {
        if (!p.check().ok() || (p.stall() != null && (!p.stall().check().ok()))) {
          return false;
        }
      }
    }
    return true;
  }

  void print(PrintStream out) {
    Setup s = setup;
    out.printf("%nwatch-scale: %s (%s, %s), %d streams x %d watchers = %d watchings over %d "
            + "connections; %d puts of %d B from %d threads to %s; %d repetition(s)%n",
        s.watchEndpoint(), s.serverVersion(), s.watchEndpointRole(), s.streams(),
        s.watchersPerStream(), s.streams() * s.watchersPerStream(), s.connections(), s.puts(),
        s.valueSize(), s.putThreads(), String.join(",", s.endpoints()), repetitions.size());
    out.printf("memory: %s%n", s.memoryProbe());
    out.printf("load average (1 min) %.2f at start, %.2f at end, on %d cores%n%n",
        s.loadAverageAtStart(), loadAverageAtEnd, s.cores());
    out.printf("%-44s %12s %12s %12s%n", "figure", "median", "min", "max");
    summary.forEach((k, v) -> out.printf("%-44s %12s %12s %12s%n", k, fmt(v.median()),
        fmt(v.min()), fmt(v.max())));
    out.println();
    for (Repetition r : repetitions) {
      Memory m = r.memory();
      out.printf("repetition %d: heap %s -> %s (streams) -> %s (watchers) -> %s (closed); "
              + "RSS %s -> %s -> %s -> %s%n", r.n(), mib(m.heapBase()), mib(m.heapStreams()),
          mib(m.heapWatchers()), mib(m.heapClosed()), mib(m.rssBase()), mib(m.rssStreams()),
          mib(m.rssWatchers()), mib(m.rssClosed()));
      for (Phase p : r.phases()) {
        out.printf("  %-8s revisions %d..%d: put p50 %.2f p99 %.2f max %.2f ms, %.0f puts/s",
            p.name(), p.firstRevision(), p.lastRevision(), p.put().p50(), p.put().p99(),
            p.put().max(), p.putsPerSecond());
        if (p.watchers() > 0) {
          out.printf("; delivery p50 %.1f p99 %.1f ms; all %d events in %.2f s; %s",
              p.delivery().p50(), p.delivery().p99(), p.eventsDelivered(),
              p.allDeliveredSeconds(), p.check().ok() ? "every watcher exact" : p.check());
        }
        out.println();
        StringBuilder by = new StringBuilder();
        p.putByEndpoint().forEach((e, l) -> by.append(String.format("  %s p50 %.2f p99 %.2f;",
            e, l.p50(), l.p99())));
        out.printf("           put latency by endpoint:%s%n", by);
        Stall st = p.stall();
        if (st != null) {
          out.printf("           stalled stream (%d watchers): %d responses while stalled, "
                  + "server heap held %s, RSS held %s, caught up in %.2f s after resuming; "
                  + "%s%n", st.watchers(), st.responsesWhileStalled(), delta(st.heapHeld()),
              delta(st.rssHeld()), st.catchUpSeconds(),
              st.check().ok() ? "every watcher exact" : st.check());
        }
      }
    }
    Memory last = repetitions.get(repetitions.size() - 1).memory();
    printGrowth(out, "heap growth by class for " + s.streams() + " streams (last repetition)",
        last.streamGrowth(), s.streams());
    printGrowth(out, "heap growth by class for " + s.streams() * s.watchersPerStream()
        + " watchings (last repetition)", last.watcherGrowth(), s.streams() * s.watchersPerStream());
    printGrowth(out, "heap growth by class from connecting to having closed everything (last "
        + "repetition: the puts' Raft log and event window, and any leak)", last.closedGrowth(),
        0);
  }

  /** Prints growth by class; with {@code per} > 0, also bytes per stream or per watching. */
  private static void printGrowth(PrintStream out, String title, List<ClassHistogram.Row> rows,
      int per) {
    if (rows == null || rows.isEmpty()) {
      return;
    }
    out.printf("%n%s:%n%12s %12s %10s  %s%n", title, "instances", "bytes",
        per > 0 ? "B/each" : "", "class");
    for (ClassHistogram.Row r : rows) {
      out.printf("%12d %12d %10s  %s%n", r.instances(), r.bytes(),
          per > 0 ? String.format("%.1f", (double) r.bytes() / per) : "", r.className());
    }
  }

  private static String fmt(double v) {
    return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
  }

  private static String delta(long bytes) {
    return String.format("%+.1f MiB", bytes / 1048576.0);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.1f MiB", bytes / 1048576.0);
  }
}
