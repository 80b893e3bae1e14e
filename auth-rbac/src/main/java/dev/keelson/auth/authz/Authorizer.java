package dev.keelson.auth.authz;

/**
 * Decides whether a request may happen. Authorizers are chained: the first ALLOW or DENY
 * decides; NO_OPINION asks the next; if none allows, the request is forbidden (403).
 */
public interface Authorizer {
  /** An authorizer's answer, with the reason shown in a 403. */
  record Decision(Kind kind, String reason) {
    public enum Kind { ALLOW, DENY, NO_OPINION }

    public static Decision allow(String reason) {
      return new Decision(Kind.ALLOW, reason);
    }

    public static Decision deny(String reason) {
      return new Decision(Kind.DENY, reason);
    }

    public static Decision noOpinion() {
      return new Decision(Kind.NO_OPINION, "");
    }
  }

  Decision authorize(Attributes a);

  /** Allows everything: the default until RBAC is configured (issue 7). */
  Authorizer ALWAYS_ALLOW = a -> Decision.allow("");
}
