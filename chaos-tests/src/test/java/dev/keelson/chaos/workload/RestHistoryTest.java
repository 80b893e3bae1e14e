package dev.keelson.chaos.workload;

import static dev.keelson.chaos.workload.RestOutcomeTest.object;
import static dev.keelson.chaos.workload.RestOutcomeTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Register histories of the rest workload made from hand-picked answers, through the same
 * mapping a run uses ({@link RestOutcome}), and what the checker says of them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestHistoryTest {
  private static final String K = "r-0";
  private final Recorder h = new Recorder();

  /** p reads and gets {@code reply}. */
  private RestHistoryTest read(int p, RestClient.Reply reply) {
    h.record(p, Op.Type.INVOKE, "read", K, null, null, null, null, null, null);
    RestOutcome.complete(h, p, "read", K, null, null, RestOutcome.read(K, reply));
    return this;
  }

  private RestHistoryTest invokeCas(int p, Long expected, Long value) {
    h.record(p, Op.Type.INVOKE, "cas", K, value, expected, null, null, null, null);
    return this;
  }

  private RestHistoryTest completeCas(int p, Long expected, Long value, RestClient.Reply reply) {
    RestOutcome.complete(h, p, "cas", K, value, expected, RestOutcome.write(reply));
    return this;
  }

  /** p writes {@code expected -> value} (a POST when expected is null) and gets {@code reply}. */
  private RestHistoryTest cas(int p, Long expected, Long value, RestClient.Reply reply) {
    return invokeCas(p, expected, value).completeCas(p, expected, value, reply);
  }

  private RestHistoryTest casWithoutAnswer(int p, Long expected, Long value, IOException e) {
    invokeCas(p, expected, value);
    RestOutcome.complete(h, p, "cas", K, value, expected, RestOutcome.noAnswer(false, e));
    return this;
  }

  private CheckResult check() {
    return RestWorkload.check(h.history(), List.of(), List.of(), List.of());
  }

  /** Created as 1 at resourceVersion 10, then updated to 2 at 11 from 10. */
  private RestHistoryTest createdAndUpdated() {
    return read(1, status(404, "NotFound", K))
        .cas(1, null, 1L, object(201, K, 10, "1"))
        .cas(2, 1L, 2L, object(200, K, 11, "2"));
  }

  @Test
  void conditionalUpdatesAndDeletesReadBackInOrderAreLinearizable() {
    createdAndUpdated().read(3, object(200, K, 11, "2"))
        .cas(1, 1L, 3L, status(409, "Conflict", K)) // p1 still thinks 1 (rv 10)
        .cas(2, 2L, null, object(200, K, 12, "2")) // delete from 11
        .read(3, status(404, "NotFound", K))
        .cas(3, null, 4L, object(201, K, 13, "4"))
        .read(1, object(200, K, 13, "4"));
    CheckResult c = check();
    assertThat(c.valid()).as("%s", c.anomalies()).isTrue();
    assertThat(c.stats()).containsEntry("cas-ok", 4L).containsEntry("cas-fail", 1L)
        .containsEntry("read-ok", 4L);
  }

  @Test
  void anAcknowledgedUpdateThatALaterReadDoesNotShowIsALostUpdate() {
    createdAndUpdated().read(3, object(200, K, 10, "1")); // 2 was acknowledged, then lost
    CheckResult c = check();
    assertThat(c.names()).containsExactly("rest-stale-read");
    assertThat(c.anomalies().get(0).evidence()).anyMatch(l -> l.contains("cas r-0 1->2"));
  }

  @Test
  void twoUpdatesAcknowledgedFromTheSameResourceVersionAreNotLinearizable() {
    createdAndUpdated().cas(3, 1L, 3L, object(200, K, 12, "3")); // also from rv 10: 409 due
    assertThat(check().names()).containsExactly("rest-nonlinearizable");
  }

  @Test
  void aConflictThatTookEffectAfterAllIsAPhantomRead() {
    createdAndUpdated().cas(3, 2L, 3L, status(409, "Conflict", K))
        .read(1, object(200, K, 12, "3"));
    assertThat(check().names()).containsExactly("rest-phantom-read");
  }

  @Test
  void anUpdateWithoutAnAnswerMayTakeEffectLaterOrNever() {
    createdAndUpdated().casWithoutAnswer(3, 2L, 3L, new HttpTimeoutException("request timed out"))
        .read(1, object(200, K, 11, "2")).read(1, object(200, K, 12, "3"));
    CheckResult c = check();
    assertThat(c.valid()).as("%s", c.anomalies()).isTrue();
    assertThat(c.stats()).containsEntry("cas-info", 1L);
  }

  /**
   * An outage as a run records it: every client's update from the last value seen gets a 503,
   * each from a new process, as many as the workload lets one name have; then one succeeds.
   */
  @Test
  void asManyUnknownUpdatesAsOneNameMayHaveAreStillDecidedQuickly() {
    createdAndUpdated();
    for (int i = 0; i < RestWorkload.MAX_UNKNOWN_PER_KEY; i++) {
      long v = 10 + i;
      cas(10 + i, 2L, i % 4 == 3 ? null : v, status(503, "ServiceUnavailable", null));
    }
    read(3, object(200, K, 11, "2")).cas(3, 2L, 30L, object(200, K, 40, "30"))
        .read(4, object(200, K, 40, "30"));
    long start = System.nanoTime();
    CheckResult c = check();
    assertThat(c.valid()).as("%s", c.anomalies()).isTrue();
    assertThat(c.stats()).containsEntry("cas-info", (long) RestWorkload.MAX_UNKNOWN_PER_KEY);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }
}
