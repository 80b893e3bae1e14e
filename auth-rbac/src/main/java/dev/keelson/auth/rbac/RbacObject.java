package dev.keelson.auth.rbac;

/** A Role, ClusterRole, RoleBinding or ClusterRoleBinding, identified by kind, namespace, name. */
public sealed interface RbacObject permits Role, Binding {

  RbacKind kind();

  /** The namespace; empty for ClusterRoles and ClusterRoleBindings. */
  String namespace();

  String name();

  default Key key() {
    return new Key(kind(), namespace(), name());
  }

  /** The identity of an object: at most one object per key. */
  record Key(RbacKind kind, String namespace, String name) {
    public Key {
      if (kind == null || name == null || name.isEmpty()) {
        throw new IllegalArgumentException("a key needs a kind and a name");
      }
      namespace = namespace == null ? "" : namespace;
    }
  }

  /** Checks the name and that the namespace is set exactly when {@code kind} is namespaced. */
  static String checkIdentity(RbacKind kind, String namespace, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidRbacObjectException("metadata.name: Required value: name or "
          + "generateName is required");
    }
    if (kind.namespaced() && (namespace == null || namespace.isEmpty())) {
      throw new InvalidRbacObjectException("metadata.namespace: Required value");
    }
    if (!kind.namespaced() && namespace != null && !namespace.isEmpty()) {
      throw new InvalidRbacObjectException("metadata.namespace: Forbidden: not allowed on this "
          + "type");
    }
    return namespace == null ? "" : namespace;
  }
}
