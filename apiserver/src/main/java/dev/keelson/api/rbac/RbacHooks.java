package dev.keelson.api.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.TypeHooks;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.rbac.Binding;
import dev.keelson.auth.rbac.EscalationCheck;
import dev.keelson.auth.rbac.EscalationGuard;
import dev.keelson.auth.rbac.InvalidRbacObjectException;
import dev.keelson.auth.rbac.RbacJson;
import dev.keelson.auth.rbac.RbacKind;
import dev.keelson.auth.rbac.RbacObject;
import dev.keelson.auth.rbac.Role;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes of the four RBAC kinds: their validation (as Kubernetes': rules need verbs, a
 * ClusterRoleBinding cannot reference a Role, a binding's roleRef cannot change) and the
 * escalation rules — a user may create or update a role only with permissions they hold
 * themselves (or the {@code escalate} verb), and bind a role only if they hold its permissions
 * (or the {@code bind} verb on it).
 */
public final class RbacHooks implements TypeHooks {
  private final Supplier<EscalationGuard> guard;

  /** {@code guard} null-valued: no escalation checks (RBAC is off). */
  public RbacHooks(Supplier<EscalationGuard> guard) {
    this.guard = guard;
  }

  private static boolean owns(ResourceType t) {
    return t.group().equals(RbacKind.GROUP);
  }

  @Override
  public List<ApiException.Cause> validate(ResourceType t, ObjectNode obj, ObjectNode old) {
    if (!owns(t)) {
      return List.of();
    }
    RbacObject o;
    try {
      o = RbacJson.parse(typed(t, obj));
    } catch (InvalidRbacObjectException e) {
      return List.of(cause(e.getMessage()));
    }
    if (old != null && o instanceof Binding b) {
      try {
        if (RbacJson.parse(typed(t, old)) instanceof Binding before
            && !before.roleRef().equals(b.roleRef())) {
          return List.of(new ApiException.Cause("FieldValueInvalid",
              "Invalid value: " + RbacJson.toJson(o).path("roleRef")
                  + ": cannot change roleRef", "roleRef"));
        }
      } catch (InvalidRbacObjectException e) {
        return List.of(); // the stored object was invalid: let the fix through
      }
    }
    return List.of();
  }

  /** The object with the kind and apiVersion of its type, which a client may leave out. */
  static ObjectNode typed(ResourceType t, ObjectNode obj) {
    if (t.kind().equals(obj.path("kind").asText()) && obj.has("apiVersion")) {
      return obj;
    }
    ObjectNode c = obj.deepCopy();
    c.put("kind", t.kind());
    c.put("apiVersion", t.apiVersion());
    return c;
  }

  /** A parse problem as a cause: its message starts with the field path ("rules[0].verbs"). */
  private static ApiException.Cause cause(String message) {
    int colon = message.indexOf(": ");
    String field = colon > 0 && !message.substring(0, colon).contains(" ")
        ? message.substring(0, colon) : "";
    return new ApiException.Cause("FieldValueInvalid", field.isEmpty() ? message
        : message.substring(colon + 2), field);
  }

  @Override
  public void authorize(ResourceType t, String namespace, ObjectNode obj, ObjectNode old,
      UserInfo user) {
    EscalationGuard g = guard.get();
    if (!owns(t) || g == null) {
      return;
    }
    RbacObject o = RbacJson.parse(typed(t, obj)); // valid: validate ran first
    EscalationCheck c = o instanceof Role r ? g.canCreateOrUpdateRole(user, r, old == null)
        : g.canBind(user, ((Binding) o).namespace(), ((Binding) o).roleRef());
    if (!c.allowed()) {
      throw ApiException.forbidden(t, o.name(), c.message());
    }
  }
}
