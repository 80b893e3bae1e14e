package dev.keelson.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code watch}: event delivery throughput, every watcher checked to receive every put's event
 * exactly once and in revision order.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Watch delivery throughput: events received by all watchers per second, from "
        + "the first measured put sent to the last event received. Checks that every watcher "
        + "received every put's event in revision order; exits 1 if not. latencyMs are the "
        + "puts' latencies.")
public final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin WatchOptions options;

  @Override
  public Integer call() throws Exception {
    WatchRun.Outcome o = new WatchRun("watch", common, options, System.err).run(options.pacer(spec, common.warmupNanos()),
        null, null);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("latencyOf", "puts: due time to reply");
    o.addExtra(extra);
    LoadReport report = LoadReport.of("watch", common.label, Params.of(spec), o.events(),
        o.errors(), o.errorsByCode(), o.seconds(), "events/s", o.puts().latencies(), extra);
    return o.emit(report, common.jsonOut);
  }
}
