package dev.keelson.store.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.mvccpb.KeyValue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LatestVersionsTest {
  private static ByteString key(int i) {
    return ByteString.copyFromUtf8("key-" + i);
  }

  private static KeyValue kv(int i, int valueBytes) {
    return KeyValue.newBuilder().setKey(key(i)).setModRevision(i + 1L).setVersion(1)
        .setValue(ByteString.copyFrom(new byte[valueBytes])).build();
  }

  @Test
  void staysWithinItsBudgetAndForgetsTheLeastRecentlyUsedFirst() {
    LatestVersions v = new LatestVersions(10_000);
    for (int i = 0; i < 100; i++) {
      v.record(key(i), kv(i, 200));
      v.find(key(0)); // key 0 is used all the time
    }
    assertThat(v.bytes()).isLessThanOrEqualTo(10_000);
    assertThat(v.size()).isBetween(10, 40);
    assertThat(v.find(key(0))).isEqualTo(kv(0, 200));
    assertThat(v.find(key(99))).isEqualTo(kv(99, 200));
    assertThat(v.find(key(1))).isNull(); // unknown again: read from the store
  }

  @Test
  void aNewerVersionOrADeletionReplacesTheOldAndItsCost() {
    LatestVersions v = new LatestVersions(100_000);
    v.record(key(1), kv(1, 5_000));
    long big = v.bytes();
    v.record(key(1), LatestVersions.DELETED);
    assertThat(v.find(key(1))).isSameAs(LatestVersions.DELETED);
    assertThat(v.bytes()).isLessThan(big - 4_000);
    v.record(key(1), kv(1, 10));
    assertThat(v.find(key(1)).getValue().size()).isEqualTo(10);
    assertThat(v.size()).isEqualTo(1);
  }

  @Test
  void aVersionLargerThanTheBudgetIsNotKeptAndDropsTheOldOne() {
    LatestVersions v = new LatestVersions(1_000);
    v.record(key(1), kv(1, 10));
    v.record(key(1), kv(1, 5_000));
    assertThat(v.find(key(1))).isNull();
    assertThat(v.bytes()).isZero();
    LatestVersions off = new LatestVersions(0);
    off.record(key(2), kv(2, 1));
    assertThat(off.find(key(2))).isNull();
  }
}
