package dev.keelson.server.testing;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches keys disappear: in the background, every {@code period}, asks each given master for
 * the number of keys under a prefix by a serializable (local) read, and keeps every answer with
 * the times the read was sent and answered ({@link System#nanoTime}). A delete that one answer
 * shows and an earlier one did not happened in between: after the last "present" read was sent,
 * no later than the first "gone" read was answered.
 *
 * <p>Reads that fail (a master being down) are left out.
 */
public final class PresencePoller implements AutoCloseable {
  /** One answered read: master {@code endpoint} held {@code count} keys under the prefix. */
  public record Read(String endpoint, long sentNanos, long answeredNanos, long count) {}

  /**
   * What the reads showed about one disappearance.
   *
   * @param lastPresentSent when the last read that still saw every key on the same master as
   *     the first "gone" read was sent: that master deleted them after this
   * @param firstGoneSent when the first read that saw none was sent
   * @param firstGoneAnswered when that read was answered: the delete happened before this
   * @param firstGoneEndpoint the master that answered it
   * @param partial reads that saw some keys but not all (the delete was not one revision)
   * @param reappeared reads that saw keys on a master after a read had seen none there
   */
  public record Gone(long lastPresentSent, long firstGoneSent, long firstGoneAnswered,
      String firstGoneEndpoint, List<Read> partial, List<Read> reappeared, int reads) {
    /** The bracket around the delete on that master: the measurement's resolution. */
    public long resolutionNanos() {
      return firstGoneAnswered - lastPresentSent;
    }
  }

  private final List<EtcdClient> clients;
  private final ByteString prefix;
  private final ByteString end;
  private final long expected;
  private final List<Read> reads = new ArrayList<>();
  private final ScheduledExecutorService timer;

  private PresencePoller(List<EtcdClient> clients, String prefix, long expected) {
    this.clients = List.copyOf(clients);
    this.prefix = ByteString.copyFromUtf8(prefix);
    byte[] e = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    e[e.length - 1]++;
    this.end = ByteString.copyFrom(e);
    this.expected = expected;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "presence-poller");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts polling the {@code expected} keys under {@code prefix} on the given masters, once
   * every one of them shows them all: a write is answered once the master that took it applied
   * it, and another master may apply it a moment later, which a first poll must not take for
   * the keys having gone.
   */
  public static PresencePoller start(List<EtcdClient> clients, String prefix, long expected,
      Duration period) {
    PresencePoller p = new PresencePoller(clients, prefix, expected);
    try {
      await("every master shows the " + expected + " keys under " + prefix)
          .atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
          .until(() -> clients.stream().allMatch(c -> p.count(c) == expected));
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    p.timer.scheduleWithFixedDelay(p::pollOnce, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return p;
  }

  /** The keys under the prefix by a serializable (local) read of that master. */
  private long count(EtcdClient c) {
    return c.kv().withDeadlineAfter(1, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
        .setKey(prefix).setRangeEnd(end).setSerializable(true).setCountOnly(true).build())
        .getCount();
  }

  private void pollOnce() {
    for (EtcdClient c : clients) {
      long sent = System.nanoTime();
      long count;
      try {
        count = count(c);
      } catch (RuntimeException e) {
        continue;
      }
      long answered = System.nanoTime();
      synchronized (reads) {
        reads.add(new Read(c.endpoint(), sent, answered, count));
      }
    }
  }

  /** Every answered read so far, in the order they were answered. */
  public List<Read> reads() {
    synchronized (reads) {
      return List.copyOf(reads);
    }
  }

  /**
   * Waits, at most {@code bound}, until a read finds none of the keys and then until every
   * master polled has answered once more (to catch keys coming back); returns what the reads
   * showed.
   */
  public Gone awaitGone(Duration bound) {
    await("every key under " + prefix.toStringUtf8() + " gone").atMost(bound)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> reads().stream().anyMatch(r -> r.count() == 0));
    long firstGone = reads().stream().filter(r -> r.count() == 0)
        .mapToLong(Read::answeredNanos).min().orElseThrow();
    await("a later read from every master").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> clients.stream().allMatch(c -> reads().stream().anyMatch(
            r -> r.endpoint().equals(c.endpoint()) && r.sentNanos() > firstGone)));
    return summary();
  }

  private Gone summary() {
    List<Read> all = reads();
    Read gone = all.stream().filter(r -> r.count() == 0)
        .min(java.util.Comparator.comparingLong(Read::answeredNanos)).orElseThrow();
    long lastPresent = all.stream()
        .filter(r -> r.endpoint().equals(gone.endpoint()) && r.count() == expected
            && r.sentNanos() < gone.sentNanos())
        .mapToLong(Read::sentNanos).max().orElse(Long.MIN_VALUE);
    List<Read> partial = all.stream().filter(r -> r.count() != 0 && r.count() != expected)
        .toList();
    // per master: a serializable read may lag another master's, never its own earlier one
    List<Read> back = new ArrayList<>();
    for (EtcdClient c : clients) {
      List<Read> mine = all.stream().filter(r -> r.endpoint().equals(c.endpoint())).toList();
      mine.stream().filter(r -> r.count() == 0).mapToLong(Read::answeredNanos).min()
          .ifPresent(g -> mine.stream().filter(r -> r.count() != 0 && r.sentNanos() > g)
              .forEach(back::add));
    }
    return new Gone(lastPresent, gone.sentNanos(), gone.answeredNanos(), gone.endpoint(),
        partial, back, all.size());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
