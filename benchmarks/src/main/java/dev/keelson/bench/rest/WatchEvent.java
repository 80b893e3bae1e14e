package dev.keelson.bench.rest;

/**
 * What the load tool reads of one line of a REST watch stream.
 *
 * @param type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR
 * @param name the object's metadata.name, null if it has none (bookmarks, errors)
 * @param resourceVersion the object's metadata.resourceVersion, -1 if it has none
 */
record WatchEvent(String type, String name, long resourceVersion) {
  WatchEvent {
    if (type == null) {
      throw new IllegalArgumentException("an event needs a type");
    }
  }

  /** An ADDED, MODIFIED or DELETED event: a change of an object. */
  boolean isChange() {
    return type.equals("ADDED") || type.equals("MODIFIED") || type.equals("DELETED");
  }
}
