package dev.keelson.chaos.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Kubernetes watch of ConfigMaps, and the store's change log under their prefix, as
 * {@link WatchEvent}s, so that {@link WatchChecker} can judge the REST watch against the log. A
 * REST event and a store change describe the same change exactly when they map to equal events:
 * <pre>
 *   REST watch line                         store change (etcd watch of the prefix)
 *   type ADDED, MODIFIED  -> PUT            PUT    -> PUT
 *   type DELETED          -> DELETE         DELETE -> DELETE
 *   object.metadata.name  -> key            key minus the prefix (/registry/core/configmaps/ns/)
 *   metadata.resourceVersion -> revision    mod_revision (of the delete, for a DELETE)
 *   object.data.v (PUT)   -> value          data.v of the stored JSON object (PUT)
 * </pre>
 * A resourceVersion is the store's revision of the change that made that version of the object
 * (for a DELETED event, the revision of the deletion), so the two revisions compare directly.
 */
public final class RestEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RestEvents() {}

  /** One line of a REST watch stream. */
  public sealed interface Line permits Change, Bookmark, Failure {}

  /** ADDED, MODIFIED or DELETED. */
  public record Change(WatchEvent event) implements Line {}

  /** BOOKMARK: every change up to {@code revision} has been sent. */
  public record Bookmark(long revision) implements Line {}

  /**
   * An ERROR event (its Status's code, reason and message), or a line that is not a watch
   * event at all (code 0, reason {@code Malformed}).
   */
  public record Failure(int code, String reason, String message) implements Line {
    /** 410 Gone: the resourceVersion is older than the server's history; list again. */
    public boolean expired() {
      return code == 410;
    }
  }

  /** Parses one line of a watch stream ({@code {"type":..,"object":{..}}}). */
  public static Line parse(String line) {
    try {
      return parse(JSON.readTree(line));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new Failure(0, "Malformed", e.getMessage() + ": " + line);
    }
  }

  /** As {@link #parse(String)}, on the parsed line. */
  public static Line parse(JsonNode line) {
    String type = line.path("type").asText("");
    JsonNode o = line.path("object");
    return switch (type) {
      case "ADDED", "MODIFIED" -> new Change(new WatchEvent(resourceVersion(o), name(o), "PUT",
          value(o)));
      case "DELETED" -> new Change(new WatchEvent(resourceVersion(o), name(o), "DELETE", null));
      case "BOOKMARK" -> new Bookmark(resourceVersion(o));
      case "ERROR" -> new Failure(o.path("code").asInt(0), o.path("reason").asText(""),
          o.path("message").asText(""));
      default -> new Failure(0, "Malformed", "unknown event type \"" + type + "\": " + line);
    };
  }

  /** A change of the store under {@code prefix} (its value the object's JSON) as a REST event. */
  public static WatchEvent fromStore(WatchEvent stored, String prefix) {
    if (!stored.key().startsWith(prefix)) {
      throw new IllegalArgumentException(stored.key() + " is not under " + prefix);
    }
    String name = stored.key().substring(prefix.length());
    if (!"PUT".equals(stored.type())) {
      return new WatchEvent(stored.revision(), name, "DELETE", null);
    }
    String value;
    try {
      value = value(JSON.readTree(stored.value()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      value = "<not JSON: " + stored.value() + ">";
    }
    return new WatchEvent(stored.revision(), name, "PUT", value);
  }

  /** The register value an object holds: its {@code data.v}, or null when it has none. */
  public static String value(JsonNode object) {
    JsonNode v = object.path("data").path("v");
    return v.isTextual() ? v.asText() : null;
  }

  /** {@code metadata.name}. */
  public static String name(JsonNode object) {
    String name = object.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("object without metadata.name: " + object);
    }
    return name;
  }

  /** {@code metadata.resourceVersion}, a decimal revision. */
  public static long resourceVersion(JsonNode object) {
    String rv = object.path("metadata").path("resourceVersion").asText("");
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("resourceVersion is not a revision: \"" + rv + "\"");
    }
  }
}
