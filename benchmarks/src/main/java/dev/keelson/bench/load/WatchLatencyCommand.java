package dev.keelson.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code watch-latency}: how long after a put's reply each watcher receives its event (events
 * matched to puts by revision); also from the put's send.
 */
@Command(name = "watch-latency", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Watch delivery latency: from a put's reply to each watcher receiving its "
        + "event (0 when the event came first; those are counted), and in extra.fromSendMs "
        + "from the put's send. Exits 1 if some watcher missed an event.")
public final class WatchLatencyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin WatchOptions options;

  @Override
  public Integer call() throws Exception {
    DeliveryTimes times = new DeliveryTimes();
    Pacer pacer = options.pacer(spec, common.warmupNanos());
    WatchRun.Outcome o = new WatchRun("watch-latency", common, options, System.err)
        .run(pacer, times, times);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("latencyOf", "events: put reply to event received");
    extra.put("fromSendMs", LoadReport.Latency.of(times.fromSend()));
    extra.put("beforeReply", times.beforeReply());
    extra.put("unmatchedEvents", times.unmatched());
    extra.put("putLatencyMs", LoadReport.Latency.of(o.puts().latencies()));
    o.addExtra(extra);
    LoadReport report = LoadReport.of("watch-latency", common.label, Params.of(spec),
        times.fromReply().getTotalCount(), o.errors(), o.errorsByCode(), o.seconds(),
        "events/s", times.fromReply(), extra);
    return o.emit(report, common.jsonOut);
  }

}
