package dev.keelson.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SetCheckerTest {
  private static Hist addOk(Hist h, int p, long e) {
    return h.invoke(p, "add", "s", e).ok(p, "add", "s", e);
  }

  @Test
  void everyAcknowledgedAddInTheFinalReadAndUnknownOnesEitherWayIsValid() {
    Hist h = addOk(new Hist(), 1, 1);
    addOk(h, 2, 2);
    h.invoke(3, "add", "s", 3L).info(3, "add", "s", 3L); // happened after all
    h.invoke(4, "add", "s", 4L).info(4, "add", "s", 4L); // did not
    h.invoke(5, "add", "s", 5L).fail(5, "add", "s", 5L);
    h.invoke(1, "read-all", "s", null).okRead(1, "s", List.of(1L, 2L, 3L));
    CheckResult r = SetChecker.check(h.ops);
    assertThat(r.valid()).as("%s", r.anomalies()).isTrue();
    assertThat(r.stats()).containsEntry("unknown-present", 1L).containsEntry("unknown-absent", 1L)
        .containsEntry("add-ok", 2L).containsEntry("add-fail", 1L);
  }

  @Test
  void anAcknowledgedAddMissingFromTheFinalReadIsALostWrite() {
    Hist h = addOk(new Hist(), 1, 1);
    addOk(h, 2, 2);
    h.invoke(1, "read-all", "s", null).okRead(1, "s", List.of(1L));
    CheckResult r = SetChecker.check(h.ops);
    assertThat(r.names()).containsExactly("lost-write");
    assertThat(r.anomalies().get(0).message()).contains("element 2");
  }

  @Test
  void anAddStillRunningWhenTheFinalReadBeganMayBeMissing() {
    Hist h = new Hist().invoke(1, "add", "s", 1L).invoke(2, "read-all", "s", null)
        .ok(1, "add", "s", 1L).okRead(2, "s", List.of());
    assertThat(SetChecker.check(h.ops).valid()).isTrue();
  }

  @Test
  void anElementNeverAddedOrWhoseAddFailedIsAPhantomWrite() {
    Hist h = addOk(new Hist(), 1, 1);
    h.invoke(2, "add", "s", 2L).fail(2, "add", "s", 2L);
    h.invoke(1, "read-all", "s", null).okRead(1, "s", List.of(1L, 2L, 9L));
    CheckResult r = SetChecker.check(h.ops);
    assertThat(r.names()).containsExactly("phantom-write");
    assertThat(r.anomalies()).extracting(Anomaly::message)
        .anySatisfy(m -> assertThat(m).contains("element 2 was added by an operation that failed"))
        .anySatisfy(m -> assertThat(m).contains("element 9 was never added"));
  }

  @Test
  void withoutASuccessfulReadNothingCanBeCheckedAndTheRunIsNotValid() {
    Hist h = addOk(new Hist(), 1, 1);
    h.invoke(1, "read-all", "s", null).info(1, "read-all", "s", null);
    assertThat(SetChecker.check(h.ops).names()).containsExactly("no-final-read");
  }
}
