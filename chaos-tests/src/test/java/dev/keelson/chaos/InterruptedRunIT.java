package dev.keelson.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keelson.chaos.cluster.Net;
import dev.keelson.chaos.cluster.TestEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chaos run interrupted from outside leaves nothing behind: on SIGTERM (Ctrl-C) the harness
 * removes its rules and kills its masters before it exits; on SIGKILL the masters exit by
 * themselves when they see their parent gone, and the next run (or {@code --cleanup}) removes
 * the rules and cgroups.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InterruptedRunIT {
  @TempDir Path dir;

  private static final Path CHAOS_JAR = Path.of("target", "keelson-chaos.jar").toAbsolutePath();

  private Process harness(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
        CHAOS_JAR.toString(), "--jar", TestEnv.jar().toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("harness-" + System.nanoTime() + ".log").toFile()).start();
  }

  /** The pids in the run's master cgroups (a run's group is named after the harness pid). */
  private static List<Long> masters(long harnessPid) {
    Path run = Net.cgroupRoot().orElseThrow().resolve("keelson-chaos/run-" + harnessPid);
    List<Long> pids = new ArrayList<>();
    if (!Files.isDirectory(run)) {
      return pids;
    }
    try (var leaves = Files.list(run)) {
      for (Path leaf : leaves.filter(Files::isDirectory).toList()) {
        Files.readAllLines(leaf.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank())
            .map(l -> Long.parseLong(l.trim())).forEach(pids::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static List<Long> awaitMastersAndRules(Process p) {
    return await().atMost(Duration.ofSeconds(60)).until(() -> {
      assertThat(p.isAlive()).as("harness exited early").isTrue();
      return Net.leftOver() ? masters(p.pid()) : List.<Long>of();
    }, pids -> pids.size() == 3);
  }

  @Test
  void aTerminatedRunRemovesItsRulesAndMastersBeforeItExits() throws Exception {
    assumeTrue(TestEnv.usable());
    Process p = harness("--workload", "set", "--nemesis", "pause,partition", "--time", "120",
        "--out", dir.resolve("run").toString());
    List<Long> pids = awaitMastersAndRules(p);

    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Net.leftOver()).isFalse();
    assertThat(pids).noneMatch(InterruptedRunIT::alive);
  }

  @Test
  void aKilledRunsMastersExitByThemselvesAndTheNextRunRemovesTheRest() throws Exception {
    assumeTrue(TestEnv.usable());
    Process p = harness("--workload", "set", "--nemesis", "none", "--time", "120",
        "--out", dir.resolve("run").toString());
    List<Long> pids = awaitMastersAndRules(p);

    p.destroyForcibly(); // SIGKILL: no hook runs
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(pids).noneMatch(InterruptedRunIT::alive));
    assertThat(Net.leftOver()).isTrue(); // only a process that lives can remove rules

    Process cleanup = harness("--cleanup");
    assertThat(cleanup.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cleanup.exitValue()).isZero();
    assertThat(Net.leftOver()).isFalse();
    assertThat(Net.cgroupRoot().orElseThrow().resolve("keelson-chaos/run-" + p.pid()))
        .doesNotExist();
  }
}
