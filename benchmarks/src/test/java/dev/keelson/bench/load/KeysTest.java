package dev.keelson.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeysTest {
  @Test
  void keysArePrefixAndZeroPaddedIndexOfExactlyTheKeySize() {
    Keys keys = new Keys("bench/put/", 16, 1000, false);

    assertThat(keys.key(7).toStringUtf8()).isEqualTo("bench/put/000007");
    assertThat(keys.key(999).toStringUtf8()).isEqualTo("bench/put/000999");
    assertThat(keys.key(0).size()).isEqualTo(16);
  }

  @Test
  void sequentialKeysWrapAroundTheKeySpace() {
    Keys keys = new Keys("k/", 8, 3, true);

    assertThat(new long[] {keys.index(0, null), keys.index(1, null), keys.index(2, null),
        keys.index(3, null), keys.index(7, null)}).containsExactly(0, 1, 2, 0, 1);
  }

  @Test
  void randomKeysStayInsideTheKeySpaceAndCoverIt() {
    Keys keys = new Keys("k/", 8, 50, false);
    Random random = new Random(1);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      long index = keys.index(i, random);
      assertThat(index).isBetween(0L, 49L);
      seen.add(index);
    }

    assertThat(seen).hasSize(50);
  }

  @Test
  void indexOfReadsBackTheIndexAndRejectsForeignKeys() {
    Keys keys = new Keys("bench/txn-put/", 24, 100_000, false);

    assertThat(keys.indexOf(keys.key(12_345))).isEqualTo(12_345);
    assertThat(keys.indexOf(ByteString.copyFromUtf8("bench/txn-put/00000000x1"))).isEqualTo(-1);
    assertThat(keys.indexOf(ByteString.copyFromUtf8("other/txn-put/0000000001"))).isEqualTo(-1);
    assertThat(keys.indexOf(ByteString.copyFromUtf8("bench/txn-put/1"))).isEqualTo(-1);
    // a key of this shape beyond the key space is not one of the set
    assertThat(keys.indexOf(ByteString.copyFromUtf8("bench/txn-put/0000200000"))).isEqualTo(-1);
  }

  @Test
  void aKeySizeTooSmallForPrefixAndKeySpaceIsRejected() {
    assertThatThrownBy(() -> new Keys("bench/put/", 13, 10_000, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need at least 14");
    assertThat(new Keys("bench/put/", 14, 10_000, false).key(9_999).toStringUtf8())
        .isEqualTo("bench/put/9999");
  }

  @Test
  void prefixEndIncrementsTheLastByteThatCanBe() {
    assertThat(Keys.prefixEnd(ByteString.copyFromUtf8("a/")).toStringUtf8()).isEqualTo("a0");
    assertThat(Keys.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})))
        .isEqualTo(ByteString.copyFromUtf8("b"));
  }

  @Test
  void valuesHaveTheAskedSizeAndAreTheSameEachTime() {
    assertThat(Keys.value(256).size()).isEqualTo(256);
    assertThat(Keys.value(256)).isEqualTo(Keys.value(256));
  }
}
