package dev.keelson.auth.rbac;

/**
 * The role a binding grants: a Role in the binding's namespace, or a ClusterRole. The API group is
 * always {@value RbacKind#GROUP}.
 */
public record RoleRef(String apiGroup, RbacKind kind, String name) {

  public RoleRef {
    if (!RbacKind.GROUP.equals(apiGroup)) {
      throw new InvalidRbacObjectException("apiGroup: Unsupported value: "
          + Quoting.quote(String.valueOf(apiGroup)) + ": supported values: \""
          + RbacKind.GROUP + "\"");
    }
    if (kind != RbacKind.ROLE && kind != RbacKind.CLUSTER_ROLE) {
      throw new InvalidRbacObjectException("kind: Unsupported value: "
          + Quoting.quote(kind == null ? "" : kind.kindName())
          + ": supported values: \"Role\", \"ClusterRole\"");
    }
    if (name == null || name.isEmpty()) {
      throw new InvalidRbacObjectException("name: Required value");
    }
  }

  public static RoleRef role(String name) {
    return new RoleRef(RbacKind.GROUP, RbacKind.ROLE, name);
  }

  public static RoleRef clusterRole(String name) {
    return new RoleRef(RbacKind.GROUP, RbacKind.CLUSTER_ROLE, name);
  }
}
