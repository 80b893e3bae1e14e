package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A watch body driven by hand, as the JDK client drives it, with a clock the test sets. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WatchStreamTest {
  private final AtomicLong clock = new AtomicLong();
  private final LongAdder measured = new LongAdder();
  private final Subscription subscription = new Subscription();
  private WatchStream stream;

  /** Counts what the stream asks of its subscription. */
  private static final class Subscription implements Flow.Subscription {
    long requested;
    boolean canceled;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      canceled = true;
    }
  }

  private static String event(String type, String name, long rv) {
    return "{\"type\":\"" + type + "\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name + "\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"v\":\"x\"}}}\n";
  }

  private static List<ByteBuffer> pieces(String... parts) {
    return java.util.Arrays.stream(parts)
        .map(p -> ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8))).toList();
  }

  @BeforeEach
  void subscribe() {
    stream = new WatchStream("run-m-", measured, clock::get);
    stream.onSubscribe(subscription);
  }

  @Test
  void theResponseIsHandedOverAtOnceWithoutWaitingForTheBody() {
    assertThat(stream.getBody().toCompletableFuture()).isCompleted();
    assertThat(subscription.requested).isEqualTo(1);
  }

  @Test
  void keepsTheMeasuredChangesWithTheTimeTheirPieceArrived() {
    String second = event("ADDED", "run-m-2", 12);
    clock.set(100);
    stream.onNext(pieces(event("ADDED", "run-w-0", 10), event("ADDED", "run-m-1", 11),
        second.substring(0, 20)));
    clock.set(200);
    stream.onNext(pieces(second.substring(20), event("MODIFIED", "other", 13)));

    Arrivals.Snapshot a = stream.arrivals().snapshot();
    assertThat(a.revisions()).containsExactly(11, 12);
    assertThat(a.nanos()).containsExactly(100, 200);
    assertThat(measured.sum()).isEqualTo(2);
    assertThat(subscription.requested).isEqualTo(3);
    assertThat(stream.endedBecause()).isNull();
  }

  @Test
  void aStreamTheServerEndsIsRecordedButNotOneCanceledHere() {
    stream.onComplete();
    assertThat(stream.endedBecause()).isEqualTo("closed by the server");

    WatchStream other = new WatchStream("run-m-", measured, clock::get);
    other.onSubscribe(new Subscription());
    other.cancel();
    other.onComplete();
    assertThat(other.endedBecause()).isNull();
  }

  @Test
  void aLineThatDoesNotParseEndsTheStream() {
    stream.onNext(pieces("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"resourceVersion\":"
        + "\"x\"}}}\n"));

    assertThat(stream.endedBecause()).startsWith("bad-line");
    assertThat(subscription.canceled).isTrue();
  }

  @Test
  void errorEventsAreCountedAndNotTakenForChanges() {
    stream.onNext(pieces("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410}}\n",
        "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"20\"}}}\n"));

    assertThat(stream.errorEvents()).isEqualTo(1);
    assertThat(stream.arrivals().size()).isZero();
  }
}
