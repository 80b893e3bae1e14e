package dev.keelson.chaos.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.chaos.watch.RestEvents.Bookmark;
import dev.keelson.chaos.watch.RestEvents.Change;
import dev.keelson.chaos.watch.RestEvents.Failure;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestEventsTest {
  static final String PREFIX = "/registry/core/configmaps/chaos/";

  /** A watch line for ConfigMap {@code name} at {@code rv} holding {@code v} (null: no data). */
  static String line(String type, String name, long rv, String v) {
    return "{\"type\":\"" + type + "\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"chaos\",\"resourceVersion\":\""
        + rv + "\"}" + (v == null ? "" : ",\"data\":{\"v\":\"" + v + "\"}") + "}}";
  }

  /** The store's change for the same: the object's JSON as stored (no resourceVersion). */
  static WatchEvent stored(long rev, String name, String v) {
    return new WatchEvent(rev, PREFIX + name, "PUT", "{\"kind\":\"ConfigMap\",\"apiVersion\":"
        + "\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"chaos\",\"uid\":\"u\"},"
        + "\"data\":{\"v\":\"" + v + "\"}}");
  }

  static WatchEvent storedDelete(long rev, String name) {
    return new WatchEvent(rev, PREFIX + name, "DELETE", null);
  }

  @Test
  void addedAndModifiedArePutsAndDeletedIsADeleteAtTheirResourceVersions() {
    assertThat(RestEvents.parse(line("ADDED", "r-0", 7, "1")))
        .isEqualTo(new Change(new WatchEvent(7, "r-0", "PUT", "1")));
    assertThat(RestEvents.parse(line("MODIFIED", "r-0", 9, "2")))
        .isEqualTo(new Change(new WatchEvent(9, "r-0", "PUT", "2")));
    assertThat(RestEvents.parse(line("DELETED", "r-0", 12, "2")))
        .isEqualTo(new Change(new WatchEvent(12, "r-0", "DELETE", null)));
    assertThat(RestEvents.parse(line("ADDED", "end-1", 13, null)))
        .isEqualTo(new Change(new WatchEvent(13, "end-1", "PUT", null)));
  }

  @Test
  void aBookmarkIsProgressAndAnErrorEventCarriesItsStatusCode() {
    assertThat(RestEvents.parse("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"resourceVersion\":\"40\"}}}")).isEqualTo(new Bookmark(40));
    RestEvents.Line gone = RestEvents.parse("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
        + "\"status\":\"Failure\",\"reason\":\"Expired\",\"message\":\"too old resource version: "
        + "5 (90)\",\"code\":410}}");
    assertThat(gone).isInstanceOfSatisfying(Failure.class, f -> {
      assertThat(f.expired()).isTrue();
      assertThat(f.reason()).isEqualTo("Expired");
    });
  }

  @Test
  void aLineThatIsNotAWatchEventIsAMalformedFailureNotAnException() {
    assertThat(RestEvents.parse("{\"type\":\"ADDED\",\"object\":{\"metadata\":{}}}"))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.reason()).isEqualTo("Malformed"));
    assertThat(RestEvents.parse("not json")).isInstanceOf(Failure.class);
    assertThat(RestEvents.parse("{\"type\":\"SURPRISE\",\"object\":{}}"))
        .isInstanceOf(Failure.class);
  }

  @Test
  void aStoredChangeMapsToTheSameEventAsTheWatchLineForIt() {
    assertThat(RestEvents.fromStore(stored(7, "r-0", "1"), PREFIX))
        .isEqualTo(((Change) RestEvents.parse(line("ADDED", "r-0", 7, "1"))).event());
    assertThat(RestEvents.fromStore(storedDelete(12, "r-0"), PREFIX))
        .isEqualTo(((Change) RestEvents.parse(line("DELETED", "r-0", 12, "2"))).event());
    assertThat(RestEvents.fromStore(new WatchEvent(3, PREFIX + "x", "PUT", "garbage"), PREFIX)
        .value()).startsWith("<not JSON");
  }
}
