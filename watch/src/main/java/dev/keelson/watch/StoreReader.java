package dev.keelson.watch;

import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import dev.keelson.store.mvcc.MvccStore;
import dev.keelson.store.mvcc.RevisionEvents;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One bounded read of the store's change log for catch-up, without the hub lock. */
final class StoreReader {
  private static final Logger LOG = LoggerFactory.getLogger(StoreReader.class);

  private StoreReader() {}

  /**
   * The revisions read, and the last revision they cover: every event of the revisions from
   * the start of the read to {@code end} is in {@code entries} (a revision with no entry
   * changed no key).
   */
  record Read(List<RevisionEntry> entries, long end) {}

  /**
   * Reads the change log from {@code from}, at most about {@code maxEvents} events, ignoring
   * revisions after {@code upTo} (the store may be ahead of what the hub has published).
   *
   * @return the read, or null if the store cannot serve it now (compacted meanwhile, closed by
   *     a snapshot install); the next step sees why and acts on it
   */
  static Read read(MvccStore store, long from, long upTo, int maxEvents, String nodeId) {
    try {
      long before = store.currentRevision();
      List<RevisionEvents> batch = store.readEvents(from, maxEvents);
      List<RevisionEntry> entries = new ArrayList<>(batch.size());
      int events = 0;
      long last = from - 1;
      for (RevisionEvents r : batch) {
        events += r.events().size();
        if (r.revision() <= upTo) {
          entries.add(new RevisionEntry(r));
        }
        last = r.revision();
      }
      // a short read returned everything up to the store's revision at the time of the read
      long end = events >= maxEvents ? last : Math.max(last, before);
      return new Read(entries, Math.min(end, upTo));
    } catch (EtcdException e) {
      if (e.error() != EtcdError.COMPACTED && e.error() != EtcdError.STOPPED) {
        LOG.warn("[{}] watch catch-up read from {} failed", nodeId, from, e);
      }
      return null;
    } catch (RuntimeException e) {
      LOG.warn("[{}] watch catch-up read from {} failed", nodeId, from, e);
      return null;
    }
  }
}
