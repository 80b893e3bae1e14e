package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class WatchReplyTest {
  private static final ByteString PREFIX = ByteString.copyFromUtf8("run/m/");

  private static KeyValue kv(String key, long rev) {
    return KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFrom(new byte[256])).setCreateRevision(2).setModRevision(rev)
        .setVersion(3).setLease(4).build();
  }

  private static WatchReply read(WatchResponse r) throws IOException {
    return WatchReply.parse(CodedInputStream.newInstance(r.toByteArray()), PREFIX.toByteArray());
  }

  @Test
  void readsTheWatchIdAndEachEventsRevisionAndWhetherItIsMeasured() throws IOException {
    WatchResponse r = WatchResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setClusterId(1).setMemberId(2).setRevision(99))
        .setWatchId(17).setFragment(true)
        .addEvents(Event.newBuilder().setKv(kv("run/m/1", 40)).setPrevKv(kv("run/m/1", 12)))
        .addEvents(Event.newBuilder().setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("run/w/1"))
                .setModRevision(41)))
        .addEvents(Event.newBuilder().setKv(kv("run/m/2", 300_000_000_000L)))
        .build();

    WatchReply w = read(r);

    assertThat(w.watchId()).isEqualTo(17);
    assertThat(w.created()).isFalse();
    assertThat(w.canceled()).isFalse();
    assertThat(w.revisions()).containsExactly(40, 41, 300_000_000_000L); // not prev_kv's 12
    assertThat(w.measured()).containsExactly(true, false, true);
  }

  @Test
  void readsCreatedAndCanceledResponsesWithoutEvents() throws IOException {
    WatchReply created = read(WatchResponse.newBuilder().setWatchId(3).setCreated(true).build());
    WatchReply canceled = read(WatchResponse.newBuilder().setWatchId(4).setCanceled(true)
        .setCompactRevision(8).setCancelReason("mvcc: required revision has been compacted")
        .build());

    assertThat(created.created()).isTrue();
    assertThat(created.events()).isZero();
    assertThat(canceled.watchId()).isEqualTo(4);
    assertThat(canceled.canceled()).isTrue();
    assertThat(canceled.created()).isFalse();
  }

  @Test
  void aTruncatedResponseIsAnError() {
    byte[] whole = WatchResponse.newBuilder().setWatchId(1)
        .addEvents(Event.newBuilder().setKv(kv("run/m/1", 5))).build().toByteArray();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
    assertThatThrownBy(() -> WatchReply.method(PREFIX).parseResponse(
        new ByteArrayInputStream(cut))).isInstanceOf(java.io.UncheckedIOException.class);
  }
}
