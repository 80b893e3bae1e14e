package dev.keelson.chaos.watch;

import dev.keelson.chaos.check.Anomaly;
import dev.keelson.chaos.check.CheckResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@code list-valid}: a list at resourceVersion R shows exactly the objects the change log has
 * at R, each with its value. A watcher that relists after a 410 is owed no event up to R (the
 * list stands for them), so without this check a wrong list would hide lost events.
 */
public final class ListChecker {
  private ListChecker() {}

  /**
   * @param log every change in revision order, starting at a revision before which nothing
   *     existed under the listed prefix (so that replaying it from empty gives each state)
   */
  public static List<Anomaly> check(List<Listing> listings, List<WatchEvent> log) {
    List<Listing> sorted = new ArrayList<>(listings);
    sorted.sort(Comparator.comparingLong(Listing::revision));
    Map<String, String> state = new HashMap<>();
    List<Anomaly> anomalies = new ArrayList<>();
    int next = 0;
    int reported = 0;
    for (Listing l : sorted) {
      for (; next < log.size() && log.get(next).revision() <= l.revision(); next++) {
        WatchEvent e = log.get(next);
        if ("PUT".equals(e.type())) {
          state.put(e.key(), e.value());
        } else {
          state.remove(e.key());
        }
      }
      List<String> differences = differences(state, l.objects());
      if (!differences.isEmpty() && reported++ < CheckResult.MAX_PER_NAME) {
        anomalies.add(new Anomaly("list-valid", l.watcher() + ": the list at " + l.revision()
            + " from " + l.endpoint() + " is not the state the change log has then",
            differences));
      }
    }
    return anomalies;
  }

  private static List<String> differences(Map<String, String> logged, Map<String, String> listed) {
    List<String> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(logged.keySet());
    names.addAll(listed.keySet());
    for (String name : names) {
      if (!listed.containsKey(name)) {
        out.add("missing " + name + "=" + logged.get(name));
      } else if (!logged.containsKey(name)) {
        out.add("listed " + name + "=" + listed.get(name) + ", which the log does not have");
      } else if (!Objects.equals(logged.get(name), listed.get(name))) {
        out.add("listed " + name + "=" + listed.get(name) + ", the log has " + logged.get(name));
      }
    }
    return out;
  }
}
