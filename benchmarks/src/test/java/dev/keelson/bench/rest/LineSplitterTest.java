package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LineSplitterTest {
  private static final String STREAM = "{\"a\":1}\n{\"b\":22}\r\n\n{\"c\":333}\n{\"d\"";

  private static List<String> split(LineSplitter s, String text, int pieceSize)
      throws IOException {
    List<String> lines = new ArrayList<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += pieceSize) {
      s.feed(ByteBuffer.wrap(bytes, i, Math.min(pieceSize, bytes.length - i)),
          (buf, off, len) -> lines.add(new String(buf, off, len, StandardCharsets.UTF_8)));
    }
    return lines;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8, 13, 1000})
  void givesTheSameLinesWhateverThePiecesAre(int pieceSize) throws IOException {
    LineSplitter s = new LineSplitter(1024);

    List<String> lines = split(s, STREAM, pieceSize);

    assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":22}", "{\"c\":333}");
    assertThat(s.pending()).isEqualTo("{\"d\"".length());
  }

  @Test
  void keepsAnUnfinishedLineUntilItsEndArrives() throws IOException {
    LineSplitter s = new LineSplitter(1024);
    split(s, STREAM, 4);

    assertThat(split(s, ":4}\n", 100)).containsExactly("{\"d\":4}");
    assertThat(s.pending()).isZero();
  }

  @Test
  void aLineLongerThanTheLimitFailsTheStream() {
    LineSplitter s = new LineSplitter(10);

    assertThatThrownBy(() -> split(s, "x".repeat(11), 4)).isInstanceOf(IOException.class)
        .hasMessageContaining("longer than 10");
  }

  @Test
  void growsForALineLargerThanItsBuffer() throws IOException {
    LineSplitter s = new LineSplitter(1 << 20);
    String big = "y".repeat(100_000);

    assertThat(split(s, big + "\nz\n", 4096)).containsExactly(big, "z");
  }
}
