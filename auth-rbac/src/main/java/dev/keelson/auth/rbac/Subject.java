package dev.keelson.auth.rbac;

/**
 * Who a binding grants its role to: a user, a group, or a service account. A service account
 * {@code ns/name} is the user {@code system:serviceaccount:ns:name}; in a RoleBinding its
 * namespace may be left empty and then means the binding's namespace.
 */
public record Subject(Kind kind, String name, String namespace) {

  /** The subject kinds of rbac.authorization.k8s.io/v1. */
  public enum Kind {
    USER("User"), GROUP("Group"), SERVICE_ACCOUNT("ServiceAccount");

    private final String kindName;

    Kind(String kindName) {
      this.kindName = kindName;
    }

    /** The {@code kind} field in JSON. */
    public String kindName() {
      return kindName;
    }

    public static Kind of(String kindName) {
      for (Kind k : values()) {
        if (k.kindName.equals(kindName)) {
          return k;
        }
      }
      throw new InvalidRbacObjectException("kind: Unsupported value: " + Quoting.quote(
          String.valueOf(kindName)) + ": supported values: \"ServiceAccount\", \"User\", "
          + "\"Group\"");
    }
  }

  /** The user-name prefix of service accounts. */
  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  public Subject {
    if (kind == null) {
      throw new InvalidRbacObjectException("kind: Required value");
    }
    if (name == null || name.isEmpty()) {
      throw new InvalidRbacObjectException("name: Required value");
    }
    namespace = namespace == null ? "" : namespace;
    if (kind == Kind.SERVICE_ACCOUNT && (name.contains(":") || namespace.contains(":"))) {
      throw new InvalidRbacObjectException("name: Invalid value: " + Quoting.quote(name)
          + ": a service account's name and namespace cannot contain ':'");
    }
  }

  public static Subject user(String name) {
    return new Subject(Kind.USER, name, "");
  }

  public static Subject group(String name) {
    return new Subject(Kind.GROUP, name, "");
  }

  public static Subject serviceAccount(String namespace, String name) {
    return new Subject(Kind.SERVICE_ACCOUNT, name, namespace);
  }

  /** The user name of service account {@code namespace/name}. */
  public static String serviceAccountUser(String namespace, String name) {
    return SERVICE_ACCOUNT_PREFIX + namespace + ":" + name;
  }

  /** This subject as Kubernetes names it in an "allowed by" reason. */
  String describe(String bindingNamespace) {
    if (kind == Kind.SERVICE_ACCOUNT) {
      return kind.kindName + " " + Quoting.quote(name + "/"
          + (namespace.isEmpty() ? bindingNamespace : namespace));
    }
    return kind.kindName + " " + Quoting.quote(name);
  }
}
