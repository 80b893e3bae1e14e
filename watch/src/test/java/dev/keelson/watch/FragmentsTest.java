package dev.keelson.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FragmentsTest {
  private static Event event(int bytes, long rev) {
    return Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k" + rev))
        .setModRevision(rev).setValue(ByteString.copyFrom(new byte[bytes]))).build();
  }

  private static WatchResponse response(Event... events) {
    return WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(9))
        .setWatchId(3).addAllEvents(List.of(events)).build();
  }

  @Test
  void aResponseBelowTheLimitOrWithOneEventIsSentWhole() {
    WatchResponse small = response(event(10, 1), event(10, 2));
    assertThat(Fragments.split(small, 1000)).containsExactly(small);
    WatchResponse single = response(event(5000, 1));
    assertThat(Fragments.split(single, 1000)).containsExactly(single);
  }

  @Test
  void aLargeResponseIsCutBetweenEventsWithFragmentSetOnAllButTheLast() {
    WatchResponse big = response(event(400, 1), event(400, 2), event(400, 3), event(1500, 4),
        event(10, 5));
    List<WatchResponse> parts = Fragments.split(big, 1000);
    assertThat(parts).hasSizeGreaterThan(2);
    assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(p -> assertThat(p.getFragment()).isTrue());
    assertThat(parts.get(parts.size() - 1).getFragment()).isFalse();
    assertThat(parts).allSatisfy(p -> {
      assertThat(p.getWatchId()).isEqualTo(3);
      assertThat(p.getHeader().getRevision()).isEqualTo(9);
      assertThat(p.getSerializedSize() < 1000 || p.getEventsCount() == 1).isTrue();
    });
    assertThat(parts.stream().flatMap(p -> p.getEventsList().stream()).toList())
        .isEqualTo(big.getEventsList());
  }
}
