package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ParamsTest {
  @Test
  void everyOptionOfTheCommandAndItsMixinsIsRecordedByName() {
    PutCommand put = new PutCommand();
    CommandLine cl = new CommandLine(put);
    cl.parseArgs("--clients", "300", "--endpoints", "a:1,b:2", "--json-out", "/tmp/x.json",
        "--sequential-keys");

    Map<String, Object> p = Params.of(cl.getCommandSpec());

    assertThat(p).containsEntry("clients", 300).containsEntry("conns", 10)
        .containsEntry("endpoints", List.of("a:1", "b:2"))
        .containsEntry("json-out", "/tmp/x.json").containsEntry("sequential-keys", true)
        .containsEntry("val-size", 256).containsEntry("rate", 0.0)
        .containsEntry("total", null).doesNotContainKeys("help", "version");
  }
}
