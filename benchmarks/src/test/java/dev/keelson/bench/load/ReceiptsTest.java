package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReceiptsTest {
  private static BitSet revisions(long base, long... revs) {
    BitSet b = new BitSet();
    for (long r : revs) {
      b.set((int) (r - base));
    }
    return b;
  }

  @Test
  void aWatcherThatGotEveryEventInOrderPasses() {
    Receipts r = new Receipts(100);
    r.event(100, false); // a warm-up event: ordered, not compared
    r.event(101, true);
    r.event(105, true);

    assertThat(r.check(revisions(100, 101, 105)))
        .isEqualTo(new Receipts.Check(1, 0, 0, 0));
    assertThat(r.events()).isEqualTo(2);
  }

  @Test
  void missingEventsAreTheSuccessfulPutsNotReceived() {
    Receipts r = new Receipts(10);
    r.event(11, true);
    r.event(14, true);

    assertThat(r.check(revisions(10, 11, 12, 13, 14)).missing()).isEqualTo(2);
  }

  @Test
  void aRevisionNotAboveThePreviousIsOutOfOrderEvenIfRepeated() {
    Receipts r = new Receipts(10);
    r.event(12, true);
    r.event(11, true);
    r.event(12, true);

    assertThat(r.check(revisions(10, 11, 12)).outOfOrder()).isEqualTo(2);
  }

  @Test
  void anEventOfAPutThatFailedOnTheClientIsUnexpectedNotMissing() {
    Receipts r = new Receipts(10);
    r.event(11, true);
    r.event(12, true);

    Receipts.Check c = r.check(revisions(10, 11));
    assertThat(c.unexpected()).isEqualTo(1);
    assertThat(c.missing()).isZero();
  }

  @Test
  void checksAddUpOverWatchers() {
    Receipts.Check sum = new Receipts.Check(1, 2, 0, 1).plus(new Receipts.Check(1, 3, 1, 0));

    assertThat(sum).isEqualTo(new Receipts.Check(2, 5, 1, 1));
  }
}
