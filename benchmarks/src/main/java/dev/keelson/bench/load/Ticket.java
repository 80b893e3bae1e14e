package dev.keelson.bench.load;

/**
 * One operation to send.
 *
 * @param seq the operation's number in the run, from 0, warm-up included (picks sequential keys)
 * @param intendedNanos when it should be sent ({@link System#nanoTime} scale); its latency runs
 *     from here, so a client that falls behind a rate does not hide the wait
 * @param measured whether it counts (false during the warm-up)
 */
public record Ticket(long seq, long intendedNanos, boolean measured) {
  public Ticket {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative: " + seq);
    }
  }
}
