package dev.keelson.api.storage;

/** One stored object: its key, its bytes and the revisions the store gave it. */
public record Stored(String key, byte[] value, long modRevision, long createRevision) {
  public Stored {
    if (key == null || value == null || modRevision <= 0) {
      throw new IllegalArgumentException("stored object needs key, value and a revision");
    }
  }
}
