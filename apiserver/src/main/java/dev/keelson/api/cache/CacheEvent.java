package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One change the cache saw: the object after it ({@code object}; for a delete, the last state
 * stamped with the delete's revision) and before it ({@code previous}, null for a create).
 * Objects are shared and must not be modified.
 *
 * <p>The event's JSON watch line is the object's JSON, encoded once when the cache took it in
 * ({@link CachedObject#json}), between a fixed head and tail: a thousand watchers of one
 * namespace cost one serialization per change, not a thousand, and the history holds no second
 * copy of it.
 */
public final class CacheEvent {
  /** As in a Kubernetes watch. */
  public enum Type {
    ADDED, MODIFIED, DELETED;

    private final byte[] head = ("{\"type\":\"" + name() + "\",\"object\":")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static final byte[] TAIL = {'}', '\n'};

  private final Type type;
  private final CachedObject object;
  private final CachedObject previous;

  public CacheEvent(Type type, CachedObject object, CachedObject previous) {
    this.type = type;
    this.object = object;
    this.previous = previous;
  }

  public Type type() {
    return type;
  }

  public String key() {
    return object.key();
  }

  /** The object after the change, as the cache holds it. */
  public CachedObject cached() {
    return object;
  }

  /** The object after the change, decoded (see {@link CachedObject#object}). */
  public ObjectNode object() {
    return object.object();
  }

  /** The object before the change, decoded; null for a create. */
  public ObjectNode previous() {
    return previous == null ? null : previous.object();
  }

  /** The object before the change as the cache holds it; null for a create. */
  CachedObject cachedPrevious() {
    return previous;
  }

  public long revision() {
    return object.modRevision();
  }

  /**
   * Roughly what keeping this event costs the heap: each object's JSON plus what its filter tree
   * and bookkeeping take (~600 bytes for a ConfigMap), counted even when the object map shares
   * the object. An upper bound, for the history's budget.
   */
  long weight() {
    return object.json().length + OBJECT_OVERHEAD
        + (previous == null ? 0 : previous.json().length + OBJECT_OVERHEAD);
  }

  private static final int OBJECT_OVERHEAD = 600;

  /** Writes {@code {"type":"…","object":{…}}} and a newline. */
  public void writeLine(ByteArrayOutputStream out) {
    out.write(type.head, 0, type.head.length);
    byte[] j = object.json();
    out.write(j, 0, j.length);
    out.write(TAIL, 0, TAIL.length);
  }
}
