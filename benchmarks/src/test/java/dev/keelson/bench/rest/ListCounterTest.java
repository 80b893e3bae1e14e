package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ListCounterTest {
  /** Three items; the second has its own "items" and "metadata" that must not count. */
  private static final String LIST = "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\","
      + "\"metadata\":{\"resourceVersion\":\"1234\",\"continue\":\"tok\"},\"items\":["
      + "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\"},\"data\":{\"v\":\"x\"}},"
      + "{\"metadata\":{\"name\":\"b\"},\"items\":[{\"x\":1},{\"y\":[{},{}]}],"
      + "\"kind\":\"NotTheList\"},"
      + "{\"metadata\":{\"name\":\"c\"},\"data\":{\"v\":\"\\\"quoted\\\" ] } [\"}}]}";

  private static ListCounter.ListSummary count(String json, int pieceSize) throws IOException {
    ListCounter c = new ListCounter();
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i += pieceSize) {
      c.feed(ByteBuffer.wrap(b, i, Math.min(pieceSize, b.length - i)));
    }
    return c.finish();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 64, 100_000})
  void countsTheTopLevelItemsWhateverThePiecesAre(int pieceSize) throws IOException {
    ListCounter.ListSummary s = count(LIST, pieceSize);

    assertThat(s).isEqualTo(new ListCounter.ListSummary("ConfigMapList", 1234, "tok", 3,
        LIST.getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void anEmptyListHasNoItems() throws IOException {
    ListCounter.ListSummary s = count("{\"kind\":\"ConfigMapList\",\"metadata\":"
        + "{\"resourceVersion\":\"8\"},\"items\":[]}", 5);

    assertThat(s.items()).isZero();
    assertThat(s.resourceVersion()).isEqualTo(8);
    assertThat(s.continueToken()).isNull();
  }

  @Test
  void aBodyCutShortIsAnError() {
    String cut = LIST.substring(0, LIST.length() - 3);

    assertThatThrownBy(() -> count(cut, 16)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 8, 9, 15, 16, 17})
  void escapesAndBracketsInLongStringsDoNotCountWhereverTheyFall(int at) throws IOException {
    String filler = "x".repeat(at);
    String tricky = filler + "\\\"}]{[\\\\" + filler + "\\\"" + "y".repeat(40);
    String list = "{\"kind\":\"L\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":["
        + "{\"data\":{\"k\":\"" + tricky + "\"}},{\"data\":{\"" + tricky + "\":[]}}]}";

    for (int piece : new int[] {5, 8, 13, 1 << 20}) {
      ListCounter.ListSummary s = count(list, piece);
      assertThat(s.items()).as("piece %d", piece).isEqualTo(2);
      assertThat(s.resourceVersion()).isEqualTo(9);
    }
  }
}
