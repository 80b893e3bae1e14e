package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Per-type behaviour plugged into the generic {@link Registry} (custom resources' schemas, ...).
 * Every registered hook sees every write of every type and ignores the types it does not own.
 * Calls happen before validation, on create ({@code old} null) and update (patches included).
 */
public interface TypeHooks {
  /** Adjusts the object about to be written (defaulting, pruning unknown fields). */
  default void prepare(ResourceType t, ObjectNode obj, ObjectNode old) {}

  /** Problems with the object about to be written; empty if none. */
  default List<ApiException.Cause> validate(ResourceType t, ObjectNode obj, ObjectNode old) {
    return List.of();
  }
}
