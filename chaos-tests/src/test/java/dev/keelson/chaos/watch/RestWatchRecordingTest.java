package dev.keelson.chaos.watch;

import static dev.keelson.chaos.watch.RestEventsTest.PREFIX;
import static dev.keelson.chaos.watch.RestEventsTest.line;
import static dev.keelson.chaos.watch.RestEventsTest.stored;
import static dev.keelson.chaos.watch.RestEventsTest.storedDelete;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.workload.RestWorkload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * REST watchers recorded from the lines a master sends, checked against the store's change log
 * read through the etcd API: both sides go through {@link RestEvents}, as in a run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestWatchRecordingTest {
  /** The store after revision 10 (namespace made, nothing in it): r-0 and r-1 change. */
  private static final List<WatchEvent> LOG = List.of(
      stored(11, "r-0", "1"), stored(12, "r-0", "2"), stored(13, "r-1", "3"),
      stored(14, "r-0", "4"), storedDelete(15, "r-1"), stored(16, "r-1", "5"),
      stored(17, "r-1", "6")).stream().map(e -> RestEvents.fromStore(e, PREFIX)).toList();

  private static final List<String> LINES = List.of(
      line("ADDED", "r-0", 11, "1"), line("MODIFIED", "r-0", 12, "2"),
      line("ADDED", "r-1", 13, "3"), line("MODIFIED", "r-0", 14, "4"),
      line("DELETED", "r-1", 15, "3"), line("ADDED", "r-1", 16, "5"),
      line("MODIFIED", "r-1", 17, "6"));

  private static void receive(RestWatchRecording r, int from, int to) {
    for (int i = from; i < to; i++) {
      r.received(RestEvents.parse(LINES.get(i)));
    }
  }

  /** w1 lists at 10 on m1, gets 11-13, loses m1, resumes on m2 from 14, gets the rest. */
  private static RestWatchRecording good(Consumer<RestWatchRecording> afterResume) {
    RestWatchRecording r = new RestWatchRecording("w1");
    r.listed(10, "m1", Map.of());
    r.watching("m1");
    receive(r, 0, 3);
    r.watching("m2");
    afterResume.accept(r);
    return r;
  }

  private static CheckResult check(RestWatchRecording r) {
    return WatchChecker.check(r.sessions(), LOG);
  }

  @Test
  void aWatcherThatResumesOnAnotherMasterWithEveryEventOnceIsValid() {
    RestWatchRecording r = good(w -> receive(w, 3, 7));
    assertThat(r.resourceVersion()).isEqualTo(17);
    assertThat(r.sessions()).singleElement().satisfies(s -> {
      assertThat(s.firstRevision()).isEqualTo(11);
      assertThat(s.items()).contains(new WatchSession.Resume(14, "m2"));
    });
    CheckResult c = check(r);
    assertThat(c.valid()).as("%s", c.anomalies()).isTrue();
    assertThat(c.stats()).containsEntry("events-delivered", 7L);
    assertThat(ListChecker.check(r.listings(), LOG)).isEmpty();
  }

  @Test
  void aSkippedRestEventIsAGap() {
    RestWatchRecording r = good(w -> {
      receive(w, 3, 4);
      receive(w, 5, 7); // the DELETED at 15 never comes
    });
    CheckResult c = check(r);
    assertThat(c.names()).containsExactly("watch-reliable");
    assertThat(c.anomalies().get(0).message()).contains("15 DELETE r-1");
    assertThat(RestWorkload.check(List.of(), r.sessions(), r.listings(), LOG).names())
        .as("as the rest workload reports it").containsExactly("rest-watch-reliable");
  }

  @Test
  void anEventSkippedRightAfterResumingBreaksResumable() {
    RestWatchRecording r = good(w -> receive(w, 4, 7)); // 14 is skipped after resuming at 14
    assertThat(check(r).names()).containsExactly("watch-resumable");
  }

  @Test
  void anEventWithAnotherValueThanTheStoreHasIsInvalid() {
    RestWatchRecording r = good(w -> {
      receive(w, 3, 5);
      w.received(RestEvents.parse(line("ADDED", "r-1", 16, "changed")));
      receive(w, 6, 7);
    });
    assertThat(check(r).names()).containsExactly("watch-valid");
  }

  @Test
  void aRelistAfterA410StartsANewSessionOwedOnlyWhatFollowsTheList() {
    RestWatchRecording r = new RestWatchRecording("w2");
    r.listed(10, "m2", Map.of());
    r.watching("m2");
    receive(r, 0, 2);
    // m2 restarted; on m3 resourceVersion 12 is too old: 410, list again at 15
    Map<String, String> at15 = new HashMap<>(Map.of("r-0", "4"));
    r.listed(15, "m3", at15);
    r.watching("m3");
    receive(r, 5, 7);
    assertThat(r.sessions()).extracting(WatchSession::watcher, WatchSession::firstRevision)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("w2", 11L),
            org.assertj.core.groups.Tuple.tuple("w2/relist-1", 16L));
    CheckResult c = check(r);
    assertThat(c.valid()).as("%s", c.anomalies()).isTrue();
    assertThat(ListChecker.check(r.listings(), LOG)).isEmpty();
  }

  @Test
  void aListThatDoesNotShowTheStateAtItsResourceVersionIsInvalid() {
    RestWatchRecording r = new RestWatchRecording("w3");
    r.listed(10, "m1", Map.of());
    r.listed(14, "m3", Map.of("r-0", "2")); // at 14: r-0=4 and r-1=3
    assertThat(ListChecker.check(r.listings(), LOG)).singleElement().satisfies(a -> {
      assertThat(a.name()).isEqualTo("list-valid");
      assertThat(a.evidence()).containsExactly("listed r-0=2, the log has 4", "missing r-1=3");
    });
  }

  @Test
  void sessionsAndListsReadBackFromTheRunDirectoryAsWritten() throws Exception {
    RestWatchRecording r = good(w -> receive(w, 3, 7));
    Map<String, String> withMarker = new HashMap<>(Map.of("r-0", "4"));
    withMarker.put("end-1", null); // a marker object has no value
    r.listed(20, "m3", withMarker);
    ObjectMapper json = new ObjectMapper();
    List<WatchSession> sessions = json.readValue(json.writeValueAsString(r.sessions()),
        json.getTypeFactory().constructCollectionType(List.class, WatchSession.class));
    List<Listing> lists = json.readValue(json.writeValueAsString(r.listings()),
        json.getTypeFactory().constructCollectionType(List.class, Listing.class));
    assertThat(sessions).isEqualTo(r.sessions());
    assertThat(lists).isEqualTo(r.listings());
  }
}
