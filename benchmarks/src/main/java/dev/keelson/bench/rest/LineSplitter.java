package dev.keelson.bench.rest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits a byte stream that arrives in pieces of any size into lines ({@code \n}, a
 * {@code \r} before it dropped; empty lines skipped), without decoding them: each complete
 * line goes to the {@link Handler} as a range of an internal buffer, valid only during the
 * call. A line split over pieces is kept until its end arrives. Not thread-safe: one stream's
 * pieces arrive one at a time.
 */
final class LineSplitter {
  /** Receives each complete line. */
  interface Handler {
    void line(byte[] buf, int off, int len) throws IOException;
  }

  private final int maxLine;
  private byte[] buf = new byte[16 * 1024];
  private int len;

  /** @param maxLine longest line accepted, in bytes; a longer one fails the stream */
  LineSplitter(int maxLine) {
    if (maxLine < 1) {
      throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
    }
    this.maxLine = maxLine;
  }

  /** Consumes {@code piece} (all its remaining bytes), handing every line it completes. */
  void feed(ByteBuffer piece, Handler handler) throws IOException {
    int n = piece.remaining();
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
    int scanFrom = len;
    piece.get(buf, len, n);
    len += n;
    int start = 0;
    for (int i = scanFrom; i < len; i++) {
      if (buf[i] == '\n') {
        int end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
        if (end > start) {
          handler.line(buf, start, end - start);
        }
        start = i + 1;
      }
    }
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, len - start);
      len -= start;
    }
    if (len > maxLine) {
      throw new IOException("a line longer than " + maxLine + " bytes");
    }
  }

  /** Bytes of an unfinished line held (the stream ended mid-line if not 0 at its end). */
  int pending() {
    return len;
  }
}
