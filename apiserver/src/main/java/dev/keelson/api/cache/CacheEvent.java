package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One change the cache saw: the object after it ({@code object}; for a delete, the last state
 * stamped with the delete's revision) and before it ({@code previous}, null for a create).
 * Objects are shared and must not be modified.
 *
 * <p>The event's JSON watch line is encoded once, by the first watcher that sends it, and shared
 * by every other watcher that sends the same event: a thousand watchers of one namespace cost
 * one serialization per change, not a thousand.
 */
public final class CacheEvent {
  /** As in a Kubernetes watch. */
  public enum Type { ADDED, MODIFIED, DELETED }

  private final Type type;
  private final String key;
  private final ObjectNode object;
  private final ObjectNode previous;
  private final long revision;
  private volatile byte[] line;

  public CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous,
      long revision) {
    this.type = type;
    this.key = key;
    this.object = object;
    this.previous = previous;
    this.revision = revision;
  }

  public Type type() {
    return type;
  }

  public String key() {
    return key;
  }

  public ObjectNode object() {
    return object;
  }

  public ObjectNode previous() {
    return previous;
  }

  public long revision() {
    return revision;
  }

  /** {@code {"type":"…","object":{…}}} and a newline, encoded once. */
  public byte[] jsonLine(ObjectMapper json) {
    byte[] l = line;
    if (l == null) {
      ObjectNode ev = json.createObjectNode();
      ev.put("type", type.name());
      ev.set("object", object);
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      try {
        json.writeValue(out, ev);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.write('\n');
      l = out.toByteArray();
      line = l; // racing encoders produce equal bytes; either may win
    }
    return l;
  }
}
