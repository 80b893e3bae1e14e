package dev.keelson.auth.rbac;

/**
 * The answer of an {@link EscalationGuard}: whether the write may go on, and why, or, if not,
 * the message of the 403 Forbidden.
 */
public record EscalationCheck(boolean allowed, String message) {

  public EscalationCheck {
    message = message == null ? "" : message;
  }

  static EscalationCheck permit(String why) {
    return new EscalationCheck(true, why);
  }

  static EscalationCheck refuse(String message) {
    return new EscalationCheck(false, message);
  }
}
