package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An object as the cache holds it, resourceVersion filled in; shared, never modified. Its JSON
 * is encoded once, when the cache takes it in, and every list and watch event that sends it
 * copies those bytes: a list of 10,000 objects serializes no tree.
 *
 * <p>The decoded tree, which selectors and the registry read, costs three to four times the JSON
 * in memory (measured: ~4.8 KB per 1 KiB ConfigMap with both, against ~1.2 KB for the JSON
 * alone). The cache keeps it only while this is the object's current version; once a newer
 * version replaces it, {@link #release} drops it, and the rare reader of an old version (a
 * filtered watch replaying history) decodes the JSON again. The history of past versions
 * therefore costs about its JSON.
 */
public final class CachedObject {
  private final String key;
  private final byte[] json;
  private final long modRevision;
  private final ObjectMapper mapper;
  private volatile ObjectNode tree;

  private CachedObject(String key, byte[] json, ObjectNode tree, long modRevision,
      ObjectMapper mapper) {
    this.key = key;
    this.json = json;
    this.tree = tree;
    this.modRevision = modRevision;
    this.mapper = mapper;
  }

  /** Encodes {@code object}, which nobody may modify afterwards. */
  public static CachedObject of(String key, ObjectNode object, long modRevision,
      ObjectMapper mapper) {
    try {
      return new CachedObject(key, mapper.writeValueAsBytes(object), object, modRevision, mapper);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String key() {
    return key;
  }

  /** The object's tree: the kept one, or decoded again once released. Do not modify it. */
  public ObjectNode object() {
    ObjectNode t = tree;
    if (t != null) {
      return t;
    }
    try {
      return (ObjectNode) mapper.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("a cached object's own JSON did not decode: " + key, e);
    }
  }

  public long modRevision() {
    return modRevision;
  }

  /** The object's JSON; shared, do not modify. */
  public byte[] json() {
    return json;
  }

  /** Drops the decoded tree: this version is history now. */
  void release() {
    tree = null;
  }

  /** Whether the decoded tree is still kept (tests). */
  boolean holdsTree() {
    return tree != null;
  }
}
