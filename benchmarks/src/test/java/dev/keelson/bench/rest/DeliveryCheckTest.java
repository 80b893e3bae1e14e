package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeliveryCheckTest {
  private static final long MS = 1_000_000;

  /** Writes at resourceVersions 10, 12, 15: sent at 0, 10, 20 ms, replied 5 ms later. */
  private static Writes writes() {
    Writes w = new Writes();
    w.add(new Writes.Write(15, 20 * MS, 25 * MS));
    w.add(new Writes.Write(10, 0, 5 * MS));
    w.add(new Writes.Write(12, 10 * MS, 15 * MS));
    return w;
  }

  private static Arrivals.Snapshot arrivals(long... revAndMs) {
    Arrivals a = new Arrivals();
    for (int i = 0; i < revAndMs.length; i += 2) {
      a.add(revAndMs[i], revAndMs[i + 1] * MS);
    }
    return a.snapshot();
  }

  @Test
  void aWatcherWithEveryEventInOrderHasNoErrorAndEachEventIsTimedFromItsReply() {
    DeliveryCheck c = new DeliveryCheck(writes().sorted());
    c.watcher(arrivals(10, 6, 12, 17, 15, 28));

    DeliveryCheck.Result r = c.result();

    assertThat(r.expected()).isEqualTo(3);
    assertThat(r.received()).isEqualTo(3);
    assertThat(r.errors()).isZero();
    // 1, 2 and 3 ms after the replies; 6, 7 and 8 ms after the sends
    assertThat(r.fromReplyMicros().getMinValue()).isBetween(995L, 1005L);
    assertThat(r.fromReplyMicros().getMaxValue()).isBetween(2995L, 3005L);
    assertThat(r.fromSendMicros().getMaxValue()).isBetween(7995L, 8005L);
    assertThat(r.lastArrivalNanos()).isEqualTo(28 * MS);
  }

  @Test
  void missingDuplicatedAndDisorderedEventsAreCountedPerWatcher() {
    DeliveryCheck c = new DeliveryCheck(writes().sorted());
    c.watcher(arrivals(10, 6, 12, 17, 15, 28)); // all
    c.watcher(arrivals(10, 6, 15, 28, 15, 29)); // lost 12, 15 twice
    c.watcher(arrivals(12, 17, 10, 18, 15, 28)); // 10 after 12
    c.watcher(arrivals()); // nothing

    DeliveryCheck.Result r = c.result();

    assertThat(r.watchers()).isEqualTo(4);
    assertThat(r.expected()).isEqualTo(12);
    assertThat(r.received()).isEqualTo(3 + 2 + 3);
    assertThat(r.missing()).isEqualTo(1 + 3);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.outOfOrder()).isEqualTo(1); // 10 after 12; the second 15 is a duplicate
    assertThat(r.errors()).isEqualTo(4 + 1 + 1);
    assertThat(r.fromReplyMicros().getTotalCount()).isEqualTo(8);
  }

  @Test
  void anEventOfNoSuccessfulWriteIsUnexpectedNotLostOrReceived() {
    DeliveryCheck c = new DeliveryCheck(writes().sorted());
    c.watcher(arrivals(10, 6, 11, 7, 12, 17, 15, 28));

    DeliveryCheck.Result r = c.result();

    assertThat(r.unexpected()).isEqualTo(1);
    assertThat(r.received()).isEqualTo(3);
    assertThat(r.errors()).isZero();
  }

  @Test
  void anEventBeforeItsReplyCountsZeroFromTheReply() {
    DeliveryCheck c = new DeliveryCheck(writes().sorted());
    c.watcher(arrivals(10, 3, 12, 17, 15, 28)); // 10 arrived 2 ms before its reply

    DeliveryCheck.Result r = c.result();

    assertThat(r.beforeReply()).isEqualTo(1);
    assertThat(r.fromReplyMicros().getMinValue()).isZero();
    assertThat(r.fromSendMicros().getMinValue()).isBetween(2995L, 3005L);
  }

  @Test
  void eventsPerSecondAreTheReceivedEventsOverTheTimeToTheLastArrival() {
    DeliveryCheck c = new DeliveryCheck(writes().sorted());
    for (int w = 0; w < 1000; w++) {
      c.watcher(arrivals(10, 100, 12, 400, 15, 1000 - w % 7));
    }

    DeliveryCheck.Result r = c.result();

    // 3,000 events from t=0 to the last arrival at 1,000 ms
    assertThat(r.seconds(0)).isCloseTo(1.0, within(1e-9));
    assertThat(r.eventsPerSecond(0)).isCloseTo(3000.0, within(1e-6));
    assertThat(r.eventsPerSecond(500 * MS)).isCloseTo(6000.0, within(1e-6));
  }

  @Test
  void nothingReceivedIsZeroEventsPerSecondNotADivisionByZero() {
    DeliveryCheck c = new DeliveryCheck(writes().sorted());
    c.watcher(arrivals());

    assertThat(c.result().eventsPerSecond(0)).isZero();
    assertThat(c.result().missing()).isEqualTo(3);
  }

  @Test
  void twoWritesWithOneResourceVersionAreRefused() {
    Writes w = writes();
    w.add(new Writes.Write(12, 30 * MS, 31 * MS));

    assertThatThrownBy(w::sorted).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("12");
  }
}
