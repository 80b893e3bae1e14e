package dev.keelson.bench.watch;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The keys of one put phase, {@code <prefix><8-digit sequence number>}, and when each put was
 * sent, so a watcher can tell how long an event took from put to delivery.
 */
final class Delivery {
  private final ByteString prefix;
  private final AtomicLongArray sentNanos;

  Delivery(String prefix, int puts) {
    this.prefix = ByteString.copyFromUtf8(prefix);
    this.sentNanos = new AtomicLongArray(puts);
  }

  ByteString key(int seq) {
    return prefix.concat(ByteString.copyFrom(String.format("%08d", seq),
        StandardCharsets.US_ASCII));
  }

  void sent(int seq, long nanos) {
    sentNanos.set(seq, nanos);
  }

  /** When the put of this key was sent, or 0 if the key is not one of this phase's. */
  long startNanos(ByteString key) {
    if (key.size() != prefix.size() + 8 || !key.startsWith(prefix)) {
      return 0;
    }
    int seq = 0;
    for (int i = prefix.size(); i < key.size(); i++) {
      seq = seq * 10 + (key.byteAt(i) - '0');
    }
    return seq >= 0 && seq < sentNanos.length() ? sentNanos.get(seq) : 0;
  }
}
