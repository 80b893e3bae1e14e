package dev.keelson.auth.rbac;

import java.util.List;

/**
 * A RoleBinding (namespace set) or a ClusterRoleBinding (namespace empty): grants the referenced
 * role to the subjects. A RoleBinding may reference a Role of its namespace or a ClusterRole,
 * whose rules then apply in the binding's namespace only; a ClusterRoleBinding references a
 * ClusterRole and applies everywhere. Service-account subjects of a ClusterRoleBinding need a
 * namespace.
 */
public record Binding(String namespace, String name, RoleRef roleRef, List<Subject> subjects)
    implements RbacObject {

  public Binding {
    boolean namespaced = namespace != null && !namespace.isEmpty();
    namespace = RbacObject.checkIdentity(namespaced ? RbacKind.ROLE_BINDING
        : RbacKind.CLUSTER_ROLE_BINDING, namespace, name);
    if (roleRef == null) {
      throw new InvalidRbacObjectException("roleRef: Required value");
    }
    if (!namespaced && roleRef.kind() != RbacKind.CLUSTER_ROLE) {
      throw new InvalidRbacObjectException("roleRef.kind: Unsupported value: \"Role\": "
          + "supported values: \"ClusterRole\"");
    }
    subjects = subjects == null ? List.of() : List.copyOf(subjects);
    for (int i = 0; i < subjects.size(); i++) {
      Subject s = subjects.get(i);
      if (s == null) {
        throw new InvalidRbacObjectException("subjects[" + i + "]: Required value");
      }
      if (!namespaced && s.kind() == Subject.Kind.SERVICE_ACCOUNT && s.namespace().isEmpty()) {
        throw new InvalidRbacObjectException("subjects[" + i + "].namespace: Required value");
      }
    }
  }

  /** A RoleBinding in {@code namespace}. */
  public static Binding roleBinding(String namespace, String name, RoleRef roleRef,
      List<Subject> subjects) {
    if (namespace == null || namespace.isEmpty()) {
      throw new InvalidRbacObjectException("metadata.namespace: Required value");
    }
    return new Binding(namespace, name, roleRef, subjects);
  }

  public static Binding clusterRoleBinding(String name, RoleRef roleRef,
      List<Subject> subjects) {
    return new Binding("", name, roleRef, subjects);
  }

  @Override
  public RbacKind kind() {
    return namespace.isEmpty() ? RbacKind.CLUSTER_ROLE_BINDING : RbacKind.ROLE_BINDING;
  }

  /** The user name a subject stands for if it is a service account, resolved in this binding. */
  String serviceAccountUser(Subject s) {
    return Subject.serviceAccountUser(s.namespace().isEmpty() ? namespace : s.namespace(),
        s.name());
  }

  /** How Kubernetes names this binding in an "allowed by" reason. */
  String describe(Subject s) {
    return kind().kindName() + " " + Quoting.quote(namespace.isEmpty() ? name
        : name + "/" + namespace) + " of " + roleRef.kind().kindName() + " "
        + Quoting.quote(roleRef.name()) + " to " + s.describe(namespace);
  }
}
