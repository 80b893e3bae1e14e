package dev.keelson.watch;

import com.google.protobuf.ByteString;
import java.util.Comparator;

/** Key order and etcd's interval conventions for watch requests. */
final class Keys {
  static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private Keys() {}

  static int compare(ByteString a, ByteString b) {
    return ORDER.compare(a, b);
  }

  /** etcd 3.4's watch server: an empty key means "\0", the smallest key. */
  static ByteString key(ByteString requested) {
    return requested.isEmpty() ? ZERO : requested;
  }

  /**
   * etcd 3.4's watch server: an empty range_end means the single key (null here), "\0" means
   * every key at or above the key (empty here), anything else is the exclusive end.
   */
  static ByteString end(ByteString requested) {
    if (requested.isEmpty()) {
      return null;
    }
    return requested.equals(ZERO) ? ByteString.EMPTY : requested;
  }

  /** etcd's ErrEmptyWatcherRange: a real end at or below the key. */
  static boolean emptyRange(ByteString key, ByteString end) {
    return end != null && !end.isEmpty() && compare(key, end) >= 0;
  }
}
