package dev.keelson.chaos.watch;

import java.util.Objects;

/**
 * One change as a watcher or the change log shows it.
 *
 * @param revision the revision that made it
 * @param key the key
 * @param type {@code PUT} or {@code DELETE}
 * @param value the value put; null for a delete
 */
public record WatchEvent(long revision, String key, String type, String value) {
  public WatchEvent {
    Objects.requireNonNull(key, "key");
    if (!"PUT".equals(type) && !"DELETE".equals(type)) {
      throw new IllegalArgumentException("type must be PUT or DELETE: " + type);
    }
  }

  @Override
  public String toString() {
    return revision + " " + type + " " + key + ("PUT".equals(type) ? "=" + value : "");
  }
}
