package dev.keelson.chaos.check;

import java.util.List;
import java.util.Objects;

/**
 * One broken guarantee, by name, with the operations or events that show it.
 *
 * @param name the guarantee's error name, such as {@code stale-read}, {@code lost-write} or
 *     {@code watch-gap}
 * @param message what went wrong, in a sentence
 * @param evidence the history lines or events that show it, one per line
 */
public record Anomaly(String name, String message, List<String> evidence) {
  public Anomaly {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
    evidence = List.copyOf(evidence);
  }
}
