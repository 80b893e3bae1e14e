package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An object as the cache holds it, resourceVersion filled in; shared, never modified. Its JSON
 * is encoded once, by the first list that sends it, and reused by every later list until the
 * object changes (a new CachedObject), so a list of 10,000 objects copies bytes instead of
 * serializing 10,000 trees.
 */
public final class CachedObject {
  private final String key;
  private final ObjectNode object;
  private final long modRevision;
  private volatile byte[] json;

  public CachedObject(String key, ObjectNode object, long modRevision) {
    this.key = key;
    this.object = object;
    this.modRevision = modRevision;
  }

  public String key() {
    return key;
  }

  public ObjectNode object() {
    return object;
  }

  public long modRevision() {
    return modRevision;
  }

  /** The object's JSON, encoded once. */
  public byte[] json(ObjectMapper mapper) {
    byte[] b = json;
    if (b == null) {
      try {
        b = mapper.writeValueAsBytes(object);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      json = b; // racing encoders produce equal bytes
    }
    return b;
  }
}
