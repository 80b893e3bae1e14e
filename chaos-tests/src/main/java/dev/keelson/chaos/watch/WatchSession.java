package dev.keelson.chaos.watch;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What one watcher saw, in the order it saw it, across reconnections: the watcher watches every
 * key under {@code prefix} and is owed every change from {@code firstRevision} on.
 *
 * @param watcher a name for reports ({@code w3@m2})
 * @param prefix the watched prefix
 * @param firstRevision the first revision it is owed (its start revision, or the created
 *     response's revision + 1 when it started at "now")
 * @param items responses, progress notifications and resumptions, in arrival order
 */
public record WatchSession(String watcher, String prefix, long firstRevision, List<Item> items) {
  public WatchSession {
    items = List.copyOf(items);
  }

  /** One thing the watcher saw or did. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Response.class, name = "events"),
      @JsonSubTypes.Type(value = Progress.class, name = "progress"),
      @JsonSubTypes.Type(value = Resume.class, name = "resume")})
  public sealed interface Item permits Response, Progress, Resume {}

  /** A response with events (one or more whole revisions, if the server keeps Atomic). */
  public record Response(long headerRevision, List<WatchEvent> events) implements Item {
    public Response {
      events = List.copyOf(events);
    }
  }

  /** A progress notification: everything up to {@code revision} has been sent. */
  public record Progress(long revision) implements Item {}

  /**
   * The watcher lost its stream and watched again, perhaps on another master, from
   * {@code fromRevision} (the revision after the last one it had).
   */
  public record Resume(long fromRevision, String endpoint) implements Item {}
}
