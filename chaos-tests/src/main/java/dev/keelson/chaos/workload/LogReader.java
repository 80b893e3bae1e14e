package dev.keelson.chaos.workload;

import dev.keelson.chaos.watch.WatchEvent;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the change log of a prefix back after a run: a fresh watch from the first revision on
 * a healthy master, until a progress notification says everything up to the last revision has
 * come. Tries the masters in turn.
 */
final class LogReader {
  private LogReader() {}

  static List<WatchEvent> read(List<EtcdClient> masters, String prefix, long from, long to,
      Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    RuntimeException last = null;
    for (int i = 0; System.nanoTime() < deadline; i = (i + 1) % masters.size()) {
      List<WatchEvent> events = new ArrayList<>();
      try (WatchStream s = new WatchStream(masters.get(i).channel(), prefix, from)) {
        s.requestProgress();
        while (System.nanoTime() < deadline) {
          Object o = s.poll(1000);
          if (o == null) {
            s.requestProgress();
            continue;
          }
          if (!(o instanceof WatchResponse r) || r.getCanceled()) {
            break;
          }
          events.addAll(WatchStream.events(r));
          if (WatchStream.isProgress(r) && r.getHeader().getRevision() >= to) {
            return events;
          }
          if (r.getEventsCount() > 0) {
            s.requestProgress();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("could not read the change log of " + prefix + " up to "
        + to, last);
  }
}
