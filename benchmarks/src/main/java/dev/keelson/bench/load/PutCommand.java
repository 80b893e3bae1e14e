package dev.keelson.bench.load;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code put}: Puts of fixed-size values over a key set, as etcd's {@code benchmark put}. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Put throughput and latency: closed-loop clients, each with one Put "
        + "outstanding, optionally paced to a rate.")
public final class PutCommand extends KvCommand {
  @Override
  String workload() {
    return "put";
  }

  @Override
  Operation prepare(Setup s) {
    return new PutOperation(s.channels(), s.keys(), s.value(), s.deadlineMillis());
  }

  @Override
  void addExtra(Operation op, Map<String, Object> extra) {}
}
