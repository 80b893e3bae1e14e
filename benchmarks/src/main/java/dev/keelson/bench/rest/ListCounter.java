package dev.keelson.bench.rest;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Counts the items of a Kubernetes list response as its bytes arrive: no buffering of the body
 * (10,000 ConfigMaps are 10+ MB), no trees, no tokens. It follows only the JSON structure:
 * strings (with their escapes, so brackets and quotes inside them do not count), and the depth
 * of objects and arrays. Only the strings of the top-level object and of its "metadata" are
 * decoded, for the list's kind, metadata.resourceVersion and metadata.continue. A tokenizing
 * parser (Jackson's non-blocking one, measured) spent ~10 ms of the tool's CPU per MB, so with
 * several listers the tool, not the server, set the latency. Not thread-safe: a response's
 * pieces arrive one at a time. The body is assumed to be well-formed JSON; a body cut short is
 * an error.
 *
 * <pre>
 * {"kind":"ConfigMapList","metadata":{"resourceVersion":"42"},"items":[{..},{..}]}
 *  depth 1 ^ fields here       depth 2 ^ list meta              depth 2 ^ each item
 * </pre>
 */
final class ListCounter {
  /** Containers deeper than this are only counted, not told apart. */
  private static final int TRACKED = 3;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * What a list response held.
   *
   * @param resourceVersion the list's metadata.resourceVersion, -1 if absent
   * @param continueToken metadata.continue, null or empty when the list is complete
   * @param bytes the body's length
   */
  record ListSummary(String kind, long resourceVersion, String continueToken, long items,
      long bytes) {}

  /** Whether each of the outer containers is an object (else an array). */
  private final boolean[] isObject = new boolean[TRACKED + 1];
  private int depth;
  private boolean inString;
  private boolean escaped;
  /** The next string of the current object is a field name. */
  private boolean expectName;
  /** The current string is decoded (it is one of the top-level object's or its metadata's). */
  private boolean capturing;
  private byte[] text = new byte[64];
  private int textLength;
  private String topField;
  private String metaField;
  private String kind;
  private long resourceVersion = -1;
  private String continueToken;
  private long items;
  private long bytes;
  private boolean done;

  /** Scans every byte of {@code piece} (consumed by the time this returns). */
  void feed(ByteBuffer piece) throws IOException {
    bytes += piece.remaining();
    if (piece.hasArray()) {
      byte[] a = piece.array();
      int from = piece.arrayOffset() + piece.position();
      scan(a, from, from + piece.remaining());
      piece.position(piece.limit());
    } else {
      byte[] a = new byte[piece.remaining()];
      piece.get(a);
      scan(a, 0, a.length);
    }
  }

  /** The end of the body: the summary, or an IOException if the JSON was cut short. */
  ListSummary finish() throws IOException {
    if (!done) {
      throw new IOException("the list response ended before its closing brace");
    }
    return new ListSummary(kind, resourceVersion, continueToken, items, bytes);
  }

  private void scan(byte[] a, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      if (inString && !escaped && !capturing) {
        // most of a list is the inside of strings: skip eight bytes at a time to a quote or a
        // backslash
        while (i + 8 <= to && !quoteOrBackslash((long) LONGS.get(a, i))) {
          i += 8;
        }
        if (i == to) {
          break;
        }
      }
      byte c = a[i];
      if (inString) {
        if (escaped) {
          escaped = false;
          keep(c);
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
          if (capturing) {
            string(new String(text, 0, textLength, StandardCharsets.UTF_8));
          }
        } else if (capturing) {
          keep(c);
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          inString = true;
          capturing = depth == 1 || depth == 2 && "metadata".equals(topField);
          textLength = 0;
        }
        case '{' -> {
          if (depth == 2 && !isObject[2] && "items".equals(topField)) {
            items++;
          }
          open(true);
        }
        case '[' -> open(false);
        case '}', ']' -> {
          if (depth == 0 || done) {
            throw new IOException("unbalanced JSON: an unexpected '" + (char) c + "'");
          }
          depth--;
          expectName = false;
          done = depth == 0;
        }
        case ':' -> expectName = false;
        case ',' -> expectName = depth <= TRACKED && isObject[depth];
        default -> { }
      }
    }
  }

  /** Whether any of the eight bytes of {@code w} is '"' or '\\'. */
  private static boolean quoteOrBackslash(long w) {
    return hasZeroByte(w ^ 0x2222222222222222L) || hasZeroByte(w ^ 0x5C5C5C5C5C5C5C5CL);
  }

  private static boolean hasZeroByte(long v) {
    return ((v - 0x0101010101010101L) & ~v & 0x8080808080808080L) != 0;
  }

  private void open(boolean object) throws IOException {
    if (done) {
      throw new IOException("JSON after the end of the list");
    }
    depth++;
    if (depth <= TRACKED) {
      isObject[depth] = object;
    }
    expectName = object;
  }

  private void keep(byte c) {
    if (!capturing) {
      return;
    }
    if (textLength == text.length) {
      text = Arrays.copyOf(text, text.length * 2);
    }
    text[textLength++] = c;
  }

  /** A decoded string of the top-level object (depth 1) or of its metadata (depth 2). */
  private void string(String s) throws IOException {
    if (expectName) {
      if (depth == 1) {
        topField = s;
      } else {
        metaField = s;
      }
    } else if (depth == 1 && "kind".equals(topField)) {
      kind = s;
    } else if (depth == 2 && "resourceVersion".equals(metaField)) {
      resourceVersion = ObjectJson.resourceVersion(s);
    } else if (depth == 2 && "continue".equals(metaField)) {
      continueToken = s;
    }
  }
}
