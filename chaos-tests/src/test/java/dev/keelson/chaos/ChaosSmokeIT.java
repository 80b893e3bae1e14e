package dev.keelson.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.cluster.Net;
import dev.keelson.chaos.cluster.TestEnv;
import dev.keelson.fault.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke runs: short chaos runs against real master processes, each ending with every
 * checker's verdict, and the proof that the harness fails a run when Keelson has a bug.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ChaosSmokeIT {
  @TempDir Path dir;

  private ChaosRun.Result run(List<String> workloads, List<String> nemeses, int seconds,
      long seed, String fault) throws InterruptedException {
    List<String> jvm = new ArrayList<>(Main.MASTER_JVM);
    if (fault != null) {
      jvm.add("-Dkeelson.faults=" + fault);
    }
    ChaosRun.Result r = ChaosRun.run(new ChaosRun.Options(workloads, nemeses,
        Duration.ofSeconds(seconds), seed, 3, TestEnv.jar(), jvm, dir.resolve("run")));
    Main.print(r);
    return r;
  }

  private static void nothingLeftBehind() {
    assertThat(Net.leftOver()).as("iptables chain left over").isFalse();
    Path group = Net.cgroupRoot().orElseThrow().resolve("keelson-chaos");
    if (Files.isDirectory(group)) {
      try (var runs = Files.list(group)) {
        assertThat(runs.filter(Files::isDirectory).toList()).as("cgroups left over").isEmpty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void allWorkloadsStayValidThroughLeaderKillsPausesAndPartitions() throws Exception {
    assumeTrue(TestEnv.usable());
    ChaosRun.Result r = run(Main.ALL_WORKLOADS, List.of("kill-leader", "pause", "partition"), 60,
        20261129L, null);

    assertThat(r.checks()).allSatisfy((name, c) ->
        assertThat(c.valid()).as("%s: %s", name, c.anomalies()).isTrue());
    @SuppressWarnings("unchecked")
    Map<String, Long> faults = (Map<String, Long>) r.summary().get("faults");
    assertThat(faults.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(2);
    assertThat(r.checks().get("register").stats().get("write-ok")).isGreaterThan(100);
    assertThat(r.checks().get("set").stats().get("add-ok")).isGreaterThan(100);
    assertThat(r.checks().get("watch").stats().get("events-delivered")).isGreaterThan(300);
    assertThat(r.checks().get("rest").stats().get("cas-ok")).isGreaterThan(100);
    assertThat(r.checks().get("rest").stats().get("events-delivered")).isGreaterThan(300);
    assertThat(dir.resolve("run/history-register.jsonl")).isNotEmptyFile();
    assertThat(dir.resolve("run/rest-watch-sessions.json")).isNotEmptyFile();
    assertThat(dir.resolve("run/results.json")).isNotEmptyFile();
    nothingLeftBehind();
  }

  @Test
  void allWorkloadsStayValidThroughKillsWholeClusterRestartsAndPartitions() throws Exception {
    assumeTrue(TestEnv.usable());
    ChaosRun.Result r = run(Main.ALL_WORKLOADS, List.of("kill", "restart-all", "partition"), 60,
        7L, null);

    assertThat(r.checks()).allSatisfy((name, c) ->
        assertThat(c.valid()).as("%s: %s", name, c.anomalies()).isTrue());
    @SuppressWarnings("unchecked")
    Map<String, Long> faults = (Map<String, Long>) r.summary().get("faults");
    assertThat(faults.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(2);
    assertThat(r.checks().get("set").stats().get("add-ok")).isGreaterThan(100);
    assertThat(r.checks().get("rest").stats().get("cas-ok")).isGreaterThan(100);
    nothingLeftBehind();
  }

  @Test
  void aMasterThatAcknowledgesWritesItNeverMadeFailsTheRunWithLostWrites() throws Exception {
    assumeTrue(TestEnv.usable());
    ChaosRun.Result r = run(List.of("set"), List.of(), 15, 1L, FaultPoints.LOSE_ACKED_PUT);

    assertThat(r.valid()).isFalse();
    CheckResult set = r.checks().get("set");
    assertThat(set.names()).containsExactly("lost-write");
    assertThat(set.stats().get("lost")).isGreaterThan(0);
    nothingLeftBehind();
  }

  @Test
  void aMasterThatDropsAWatchEventFailsTheRunWithAGap() throws Exception {
    assumeTrue(TestEnv.usable());
    ChaosRun.Result r = run(List.of("watch"), List.of(), 20, 2L, FaultPoints.DROP_WATCH_EVENT);

    assertThat(r.valid()).isFalse();
    assertThat(r.checks().get("watch").names()).contains("watch-reliable");
    nothingLeftBehind();
  }
}
