package dev.keelson.bench.load;

import java.util.BitSet;

/**
 * What one watcher received: the revisions of its measured events (a bit per revision from
 * the watch's start revision {@code base}) and whether every event's revision was above the
 * previous one. Not thread-safe: its stream's monitor guards it.
 */
final class Receipts {
  private final long base;
  private final BitSet received = new BitSet();
  private long last;
  private long events;
  private long outOfOrder;

  /** @param base the watch's start revision: no event can be older */
  Receipts(long base) {
    this.base = base;
  }

  /** An event at {@code revision}; only measured ones are compared with the puts. */
  void event(long revision, boolean measured) {
    if (revision <= last || revision < base) {
      outOfOrder++;
    }
    last = Math.max(last, revision);
    if (measured && revision >= base) {
      received.set(Math.toIntExact(revision - base));
      events++;
    }
  }

  /** Measured events received. */
  long events() {
    return events;
  }

  /**
   * This watcher against the revisions of the puts that succeeded ({@code expected}, bits from
   * {@code base} as here).
   */
  Check check(BitSet expected) {
    BitSet missing = (BitSet) expected.clone();
    missing.andNot(received);
    BitSet unexpected = (BitSet) received.clone();
    unexpected.andNot(expected);
    return new Check(1, missing.cardinality(), unexpected.cardinality(), outOfOrder);
  }

  /**
   * Problems of watchers, summed.
   *
   * @param missing events of successful puts a watcher did not receive
   * @param unexpected measured events of no successful put: from puts that failed on the
   *     client yet were applied, not an error of the server
   * @param outOfOrder events whose revision was not above the watcher's previous one
   */
  record Check(long watchers, long missing, long unexpected, long outOfOrder) {
    static final Check NONE = new Check(0, 0, 0, 0);

    Check plus(Check o) {
      return new Check(watchers + o.watchers, missing + o.missing, unexpected + o.unexpected,
          outOfOrder + o.outOfOrder);
    }
  }
}
