package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;

/**
 * An object as the cache holds it, resourceVersion filled in; shared, never modified. It is kept
 * as its JSON, encoded once when the cache takes it in: every list and watch event that sends it
 * copies those bytes, and a list of 10,000 objects serializes no tree.
 *
 * <p>A decoded tree costs three to four times the JSON in memory (measured on 1 KiB ConfigMaps:
 * ~4.8 KB per object with both against ~1.2 KB for the JSON), so none is kept. What list and
 * watch filters read is kept instead, in a small tree of its own ({@link #selectable}: the name,
 * namespace and labels and the fields that field selectors may name, as Kubernetes' watch cache
 * keeps each object's labels and fields); whoever needs the whole object decodes the JSON
 * ({@link #object}).
 */
public final class CachedObject {
  private final String key;
  private final byte[] json;
  private final ObjectNode selectable;
  private final long modRevision;
  private final ObjectMapper mapper;

  private CachedObject(String key, byte[] json, ObjectNode selectable, long modRevision,
      ObjectMapper mapper) {
    this.key = key;
    this.json = json;
    this.selectable = selectable;
    this.modRevision = modRevision;
    this.mapper = mapper;
  }

  /**
   * Encodes {@code object}, and keeps what {@code selectableView} takes of it for filters.
   */
  public static CachedObject of(String key, ObjectNode object, long modRevision,
      ObjectMapper mapper, UnaryOperator<ObjectNode> selectableView) {
    try {
      return new CachedObject(key, mapper.writeValueAsBytes(object), selectableView.apply(object),
          modRevision, mapper);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String key() {
    return key;
  }

  /** The whole object, decoded from its JSON: a new tree each time, the caller's to modify. */
  public ObjectNode object() {
    try {
      return (ObjectNode) mapper.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("a cached object's own JSON did not decode: " + key, e);
    }
  }

  /** What filters read of the object (see the class comment); shared, do not modify. */
  public ObjectNode selectable() {
    return selectable;
  }

  public long modRevision() {
    return modRevision;
  }

  /** The object's JSON; shared, do not modify. */
  public byte[] json() {
    return json;
  }
}
