package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One change the cache saw: the object after it ({@code object}; for a delete, the last state
 * stamped with the delete's revision) and before it ({@code previous}, null for a create).
 * Objects are shared and must not be modified.
 */
public record CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous,
    long revision) {
  /** As in a Kubernetes watch. */
  public enum Type { ADDED, MODIFIED, DELETED }
}
