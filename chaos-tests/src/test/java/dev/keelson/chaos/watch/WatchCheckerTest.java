package dev.keelson.chaos.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.watch.WatchSession.Item;
import dev.keelson.chaos.watch.WatchSession.Progress;
import dev.keelson.chaos.watch.WatchSession.Response;
import dev.keelson.chaos.watch.WatchSession.Resume;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCheckerTest {
  /** Revisions 2..9: one put each under w/, except 5, a transaction of two, and 7, elsewhere. */
  private static final List<WatchEvent> LOG = List.of(
      put(2, "w/a", "1"), put(3, "w/b", "1"), put(4, "w/a", "2"),
      put(5, "w/a", "3"), del(5, "w/b"),
      put(6, "w/c", "1"), put(7, "other", "x"), put(8, "w/c", "2"), put(9, "w/a", "4"));

  private static WatchEvent put(long rev, String key, String value) {
    return new WatchEvent(rev, key, "PUT", value);
  }

  private static WatchEvent del(long rev, String key) {
    return new WatchEvent(rev, key, "DELETE", null);
  }

  private static Response response(WatchEvent... events) {
    return new Response(events[events.length - 1].revision(), List.of(events));
  }

  private static List<Item> items(Item... items) {
    return new ArrayList<>(List.of(items));
  }

  private static CheckResult check(List<Item> items) {
    return WatchChecker.check(List.of(new WatchSession("w1@m1", "w/", 2, items)), LOG);
  }

  /** A correct session: revisions 2-4, lost stream, resumed on m2 at 5, a bookmark at 9. */
  private static List<Item> good() {
    return items(response(LOG.get(0)), response(LOG.get(1), LOG.get(2)),
        new Resume(5, "m2"), response(LOG.get(3), LOG.get(4)), response(LOG.get(5)),
        new Progress(7), response(LOG.get(7)), response(LOG.get(8)), new Progress(9));
  }

  @Test
  void aSessionThatResumesOnAnotherMasterWithEverythingOnceInOrderIsValid() {
    CheckResult r = check(good());
    assertThat(r.valid()).as("%s", r.anomalies()).isTrue();
    assertThat(r.stats()).containsEntry("events-delivered", 8L).containsEntry("watchers", 1L);
  }

  @Test
  void aMissingEventIsAGap() {
    List<Item> items = good();
    items.remove(4); // revision 6 never arrives
    CheckResult r = check(items);
    assertThat(r.names()).containsExactly("watch-reliable");
    assertThat(r.anomalies().get(0).message()).contains("6 PUT w/c=1");
  }

  @Test
  void anEventDeliveredTwiceIsADuplicate() {
    List<Item> items = good();
    items.add(6, response(LOG.get(5)));
    assertThat(check(items).names()).containsExactly("watch-unique");
  }

  @Test
  void anEventAfterANewerOneIsAReorder() {
    List<Item> items = items(response(LOG.get(0)), response(LOG.get(2)), response(LOG.get(1)),
        response(LOG.get(3), LOG.get(4)));
    assertThat(check(items).names()).containsExactly("watch-ordered");
  }

  @Test
  void aTransactionSplitAcrossResponsesIsNotAtomic() {
    List<Item> items = good();
    items.set(3, response(LOG.get(3)));
    items.add(4, response(LOG.get(4)));
    assertThat(check(items).names()).containsExactly("watch-atomic");
  }

  @Test
  void anEventSkippedRightAfterResumingBreaksResumable() {
    List<Item> skipped = good();
    skipped.remove(3); // revision 5 never comes after resuming from 5
    assertThat(check(skipped).names()).containsExactly("watch-resumable");
  }

  @Test
  void anEventAtOrBelowAProgressNotificationBreaksBookmarkable() {
    List<Item> items = items(response(LOG.get(0)), new Progress(4), response(LOG.get(1),
        LOG.get(2)));
    CheckResult r = check(items);
    assertThat(r.names()).contains("watch-bookmarkable");
  }

  @Test
  void aProgressNotificationBelowWhatTheWatcherHasFromALaggingMasterIsTrueAndValid() {
    List<Item> items = items(response(LOG.get(0)), response(LOG.get(1), LOG.get(2)),
        new Resume(5, "m3"), new Progress(3), // m3 lags at 3: everything up to 3 was sent
        response(LOG.get(3), LOG.get(4)), response(LOG.get(5)), response(LOG.get(7)),
        response(LOG.get(8)));
    CheckResult r = check(items);
    assertThat(r.valid()).as("%s", r.anomalies()).isTrue();
  }

  @Test
  void anEventThatIsNotInTheLogAsDeliveredIsInvalid() {
    List<Item> items = good();
    items.set(0, response(put(2, "w/a", "tampered")));
    assertThat(check(items).names()).containsExactly("watch-valid");
  }
}
