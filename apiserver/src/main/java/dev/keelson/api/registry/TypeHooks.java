package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.authn.UserInfo;
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

  /**
   * Refuses (with an {@link ApiException}, 403) a valid write that {@code user} may not make
   * although RBAC let the request through: RBAC's escalation rules. Called after validation,
   * before validating admission.
   */
  default void authorize(ResourceType t, String namespace, ObjectNode obj, ObjectNode old,
      UserInfo user) {}
}
