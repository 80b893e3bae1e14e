package dev.keelson.bench.load;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code range}: reads of random single keys (etcd's benchmark default), linearizable or
 * serializable, after writing the key set once.
 */
@Command(name = "range", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Range throughput and latency: first writes --key-space keys, then "
        + "closed-loop clients read random single keys.")
public final class RangeCommand extends KvCommand {
  @Option(names = "--consistency", defaultValue = "l", paramLabel = "l|s",
      description = "l: linearizable, s: serializable (default: ${DEFAULT-VALUE}).")
  String consistency;

  @Option(names = "--fill-clients", defaultValue = "64", paramLabel = "N",
      description = "Clients writing the key set before the run (default: ${DEFAULT-VALUE}).")
  int fillClients;

  @Override
  String workload() {
    return "range";
  }

  @Override
  void validate() {
    if (!consistency.equals("l") && !consistency.equals("s")) {
      throw new IllegalArgumentException("--consistency must be l or s, got " + consistency);
    }
  }

  @Override
  Operation prepare(Setup s) throws InterruptedException {
    Keys all = s.keys().inOrder();
    log.printf("range: writing %d keys%n", all.keySpace());
    Stats fill = new Stats();
    long t0 = System.nanoTime();
    new ClosedLoop(fillClients, new Pacer(0, 0, all.keySpace(), 0),
        new PutOperation(s.channels(), all, s.value(), s.deadlineMillis()), fill, s.timer(),
        System::nanoTime).run();
    log.printf("range: wrote %d keys in %.1f s, %d failed%n", fill.ok(),
        (System.nanoTime() - t0) / 1e9, fill.errors());
    return new RangeOperation(s.channels(), s.keys(), consistency.equals("s"),
        s.deadlineMillis());
  }

  @Override
  void addExtra(Operation op, Map<String, Object> extra) {
    extra.put("notFound", ((RangeOperation) op).notFound());
  }
}
