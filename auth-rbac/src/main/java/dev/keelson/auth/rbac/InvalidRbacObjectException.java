package dev.keelson.auth.rbac;

/**
 * An RBAC object that Kubernetes would reject as invalid (HTTP 422): a missing name, a rule
 * without verbs, a ClusterRoleBinding that references a Role, JSON of the wrong shape. The message
 * names the offending field the way Kubernetes' field paths do ({@code rules[0].verbs}).
 */
public class InvalidRbacObjectException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidRbacObjectException(String message) {
    super(message);
  }

  /** The same problem, reported under an enclosing field ({@code rules[2]} + {@code verbs}). */
  InvalidRbacObjectException under(String path) {
    return new InvalidRbacObjectException(path + "." + getMessage());
  }
}
