package dev.keelson.bench.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Counts the items of a Kubernetes list response as its bytes arrive, with Jackson's
 * non-blocking parser: no buffering of the body (10,000 ConfigMaps are 10+ MB), no trees.
 * Also reads the list's kind, metadata.resourceVersion and metadata.continue. Not thread-safe:
 * a response's pieces arrive one at a time.
 *
 * <pre>
 * {"kind":"ConfigMapList","metadata":{"resourceVersion":"42"},"items":[{..},{..}]}
 *  depth 1 ^ fields here       depth 2 ^ list meta              depth 2 ^ each item
 * </pre>
 */
final class ListCounter {
  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * What a list response held.
   *
   * @param resourceVersion the list's metadata.resourceVersion, -1 if absent
   * @param continueToken metadata.continue, null or empty when the list is complete
   * @param bytes the body's length
   */
  record ListSummary(String kind, long resourceVersion, String continueToken, long items,
      long bytes) {}

  private final JsonParser parser;
  private final ByteBufferFeeder feeder;
  private int depth;
  private String topField;
  private String metaField;
  private String kind;
  private long resourceVersion = -1;
  private String continueToken;
  private long items;
  private long bytes;
  private boolean done;

  ListCounter() {
    try {
      parser = FACTORY.createNonBlockingByteBufferParser();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    feeder = (ByteBufferFeeder) parser.getNonBlockingInputFeeder();
  }

  /** Parses every byte of {@code piece} (consumed by the time this returns). */
  void feed(ByteBuffer piece) throws IOException {
    bytes += piece.remaining();
    feeder.feedInput(piece);
    drain();
  }

  /** The end of the body: the summary, or an IOException if the JSON was cut short. */
  ListSummary finish() throws IOException {
    feeder.endOfInput();
    drain();
    if (!done) {
      throw new IOException("the list response ended before its closing brace");
    }
    parser.close();
    return new ListSummary(kind, resourceVersion, continueToken, items, bytes);
  }

  private void drain() throws IOException {
    JsonToken t;
    while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          if (t == JsonToken.START_OBJECT && depth == 2 && "items".equals(topField)) {
            items++;
          }
          depth++;
        }
        case END_OBJECT, END_ARRAY -> {
          depth--;
          if (depth == 0) {
            done = true;
          }
        }
        case FIELD_NAME -> {
          if (depth == 1) {
            topField = parser.currentName();
          } else if (depth == 2 && "metadata".equals(topField)) {
            metaField = parser.currentName();
          }
        }
        case VALUE_STRING -> {
          if (depth <= 2) { // the items' own strings are deeper: not decoded into Strings
            value(parser.getText());
          }
        }
        default -> { }
      }
    }
  }

  private void value(String text) throws IOException {
    if (depth == 1 && "kind".equals(topField)) {
      kind = text;
    } else if (depth == 2 && "metadata".equals(topField)) {
      if ("resourceVersion".equals(metaField)) {
        resourceVersion = ObjectJson.resourceVersion(text);
      } else if ("continue".equals(metaField)) {
        continueToken = text;
      }
    }
  }
}
