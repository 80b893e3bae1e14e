package dev.keelson.api.storage;

import java.util.List;

/**
 * One page of a range read: the objects in key order, the revision it was read at, and whether
 * more keys follow the last one ({@code remaining} of them, when the store counted).
 */
public record Page(List<Stored> items, long revision, boolean more, long remaining) {
  public Page {
    items = List.copyOf(items);
  }
}
