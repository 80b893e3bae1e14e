package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeliveryTimesTest {
  private static final long MS = 1_000_000;

  @Test
  void anEventAfterTheReplyIsTimedFromTheReplyAndFromTheSend() {
    DeliveryTimes t = new DeliveryTimes();
    t.replied(7, 100 * MS, 103 * MS);
    t.delivered(7, 105 * MS);

    assertThat(t.fromReply().getMaxValue()).isBetween(1995L, 2005L);
    assertThat(t.fromSend().getMaxValue()).isBetween(4995L, 5005L);
    assertThat(t.beforeReply()).isZero();
  }

  @Test
  void anEventBeforeTheReplyWaitsForItThenCountsZeroFromTheReply() {
    DeliveryTimes t = new DeliveryTimes();
    t.delivered(7, 102 * MS);
    t.delivered(7, 104 * MS);
    t.replied(7, 100 * MS, 103 * MS);

    assertThat(t.beforeReply()).isEqualTo(1);
    assertThat(t.fromReply().getTotalCount()).isEqualTo(2);
    assertThat(t.fromReply().getMinValue()).isZero();
    assertThat(t.fromReply().getMaxValue()).isBetween(995L, 1005L);
    assertThat(t.fromSend().getMinValue()).isBetween(1995L, 2005L);
    assertThat(t.unmatched()).isZero();
  }

  @Test
  void eventsAreMatchedToPutsByRevision() {
    DeliveryTimes t = new DeliveryTimes();
    t.replied(8, 200 * MS, 210 * MS);
    t.replied(7, 100 * MS, 101 * MS);
    t.delivered(7, 111 * MS);
    t.delivered(8, 211 * MS);

    // 10 ms after put 7's reply, 1 ms after put 8's
    assertThat(t.fromReply().getMaxValue()).isBetween(9990L, 10_010L);
    assertThat(t.fromReply().getMinValue()).isBetween(995L, 1005L);
  }

  @Test
  void eventsOfAPutThatNeverRepliedAreUnmatched() {
    DeliveryTimes t = new DeliveryTimes();
    t.delivered(9, 100 * MS);
    t.delivered(9, 101 * MS);

    assertThat(t.unmatched()).isEqualTo(2);
    assertThat(t.fromReply().getTotalCount()).isZero();
  }
}
