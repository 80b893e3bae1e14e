package dev.keelson.auth.rbac;

/** The four kinds of rbac.authorization.k8s.io/v1 objects, by their Kubernetes kind name. */
public enum RbacKind {
  ROLE("Role", "roles", true),
  CLUSTER_ROLE("ClusterRole", "clusterroles", false),
  ROLE_BINDING("RoleBinding", "rolebindings", true),
  CLUSTER_ROLE_BINDING("ClusterRoleBinding", "clusterrolebindings", false);

  /** The API group of all four kinds, and the only valid {@code roleRef.apiGroup}. */
  public static final String GROUP = "rbac.authorization.k8s.io";
  /** The {@code apiVersion} of the objects this package reads and writes. */
  public static final String API_VERSION = GROUP + "/v1";

  private final String kindName;
  private final String resource;
  private final boolean namespaced;

  RbacKind(String kindName, String resource, boolean namespaced) {
    this.kindName = kindName;
    this.resource = resource;
    this.namespaced = namespaced;
  }

  /** The {@code kind} field: {@code Role}, {@code ClusterRole}, ... */
  public String kindName() {
    return kindName;
  }

  /** The REST resource: {@code roles}, {@code clusterroles}, ... */
  public String resource() {
    return resource;
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** The kind called {@code kindName} in JSON. */
  public static RbacKind of(String kindName) {
    for (RbacKind k : values()) {
      if (k.kindName.equals(kindName)) {
        return k;
      }
    }
    throw new InvalidRbacObjectException("kind: Unsupported value: \"" + kindName
        + "\": supported values: \"Role\", \"ClusterRole\", \"RoleBinding\", "
        + "\"ClusterRoleBinding\"");
  }
}
