package dev.keelson.bench.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads the few fields the load tool needs from Kubernetes JSON with Jackson's streaming
 * parser, without building trees and stopping as soon as they are known: a watch event's
 * type and its object's name and resourceVersion, or an object's. Thread-safe (the factory
 * is; each call has its own parser).
 */
final class ObjectJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ObjectJson() {}

  /** An object's metadata.name and metadata.resourceVersion (-1 if absent). */
  record Meta(String name, long resourceVersion) {
    static final Meta NONE = new Meta(null, -1);
  }

  /** One watch line: {@code {"type":..,"object":{..}}}, the fields in any order. */
  static WatchEvent event(byte[] buf, int off, int len) throws IOException {
    try (JsonParser p = FACTORY.createParser(buf, off, len)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      String type = null;
      Meta meta = null;
      while (p.nextToken() == JsonToken.FIELD_NAME && (type == null || meta == null)) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("type") && value == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if (field.equals("object") && value == JsonToken.START_OBJECT) {
          // when "type" comes after "object", step out of the object to reach it
          meta = meta(p, type == null);
        } else {
          p.skipChildren();
        }
      }
      if (type == null) {
        throw new IOException("a watch event without a type");
      }
      return meta == null ? new WatchEvent(type, null, -1)
          : new WatchEvent(type, meta.name(), meta.resourceVersion());
    }
  }

  /** A whole object's metadata (a create's reply). */
  static Meta meta(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      return meta(p, false);
    }
  }

  /**
   * The metadata of the object whose START_OBJECT {@code p} is on. Returns right after the
   * metadata, the parser still inside the object, unless {@code finish}: then after the
   * object's END_OBJECT (as always when it has no metadata).
   */
  private static Meta meta(JsonParser p, boolean finish) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (!field.equals("metadata") || value != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      String name = null;
      long rv = -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        if (f.equals("name") && v == JsonToken.VALUE_STRING) {
          name = p.getText();
        } else if (f.equals("resourceVersion") && v == JsonToken.VALUE_STRING) {
          rv = resourceVersion(p.getText());
        } else {
          p.skipChildren();
        }
      }
      if (finish) {
        skipRestOfObject(p);
      }
      return new Meta(name, rv);
    }
    return Meta.NONE;
  }

  /** Skips the fields left in the object the parser is in, up to and with its END_OBJECT. */
  private static void skipRestOfObject(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      p.nextToken();
      p.skipChildren();
    }
  }

  /** Keelson's resourceVersions are revisions: decimal numbers. */
  static long resourceVersion(String rv) throws IOException {
    if (rv.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw new IOException("resourceVersion is not a number: \"" + rv + "\"");
    }
  }

  private static void expect(JsonToken got, JsonToken want) throws IOException {
    if (got != want) {
      throw new IOException("expected " + want + ", got " + got);
    }
  }
}
