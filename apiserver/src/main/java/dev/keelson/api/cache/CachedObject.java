package dev.keelson.api.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An object as the cache holds it, resourceVersion filled in; shared, never modified. */
public record CachedObject(String key, ObjectNode object, long modRevision) {}
