package dev.keelson.chaos.watch;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A list a REST watcher took before watching (at its start, and again after a 410): the objects
 * it got, name to {@code data.v} (null when an object has none), as of {@code revision}, the
 * list's resourceVersion.
 *
 * @param watcher the watcher's session that starts with this list
 * @param revision the list's resourceVersion
 * @param endpoint the master that answered
 * @param objects name to value
 */
public record Listing(String watcher, long revision, String endpoint, Map<String, String> objects) {
  public Listing {
    objects = Collections.unmodifiableMap(new TreeMap<>(objects)); // values may be null
  }
}
