package dev.keelson.auth.rbac;

import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RBAC authorizer of the request path: asks the current {@link RbacPolicy} snapshot (from an
 * {@link RbacCache}, usually). Answers ALLOW or NO_OPINION, never DENY.
 */
public final class RbacAuthorizer implements Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(RbacAuthorizer.class);

  private final Supplier<RbacPolicy> policy;

  /** Reads {@code policy} on every request; it must be cheap and thread-safe. */
  public RbacAuthorizer(Supplier<RbacPolicy> policy) {
    this.policy = policy;
  }

  /** Authorizes by the cache's current snapshot. */
  public static RbacAuthorizer of(RbacCache cache) {
    return new RbacAuthorizer(cache::current);
  }

  /** Authorizes by a fixed snapshot. */
  public static RbacAuthorizer of(RbacPolicy fixed) {
    return new RbacAuthorizer(() -> fixed);
  }

  @Override
  public Decision authorize(Attributes a) {
    Decision d = policy.get().authorize(a);
    if (d.kind() != Decision.Kind.ALLOW && LOG.isDebugEnabled()) {
      LOG.debug("RBAC: no rules authorize user {} with groups {} to {} {}",
          a.user() == null ? null : a.user().name(), a.user() == null ? null : a.user().groups(),
          describe(a), a.resourceRequest() && a.namespace() != null && !a.namespace().isEmpty()
              ? "in namespace \"" + a.namespace() + "\"" : "cluster-wide");
    }
    return d;
  }

  /** The request as Kubernetes logs it: {@code "get" resource "pods.apps/status" named "x"}. */
  private static String describe(Attributes a) {
    if (!a.resourceRequest()) {
      return Quoting.quote(String.valueOf(a.verb())) + " nonResourceURL "
          + Quoting.quote(String.valueOf(a.path()));
    }
    StringBuilder b = new StringBuilder(Quoting.quote(String.valueOf(a.verb())))
        .append(" resource \"").append(a.resource());
    if (a.apiGroup() != null && !a.apiGroup().isEmpty()) {
      b.append('.').append(a.apiGroup());
    }
    if (a.subresource() != null && !a.subresource().isEmpty()) {
      b.append('/').append(a.subresource());
    }
    b.append('"');
    if (a.name() != null && !a.name().isEmpty()) {
      b.append(" named ").append(Quoting.quote(a.name()));
    }
    return b.toString();
  }

  /** The rules RBAC holds for {@code user} in {@code namespace}: SelfSubjectRulesReview. */
  public UserRules rulesFor(UserInfo user, String namespace) {
    return policy.get().rulesFor(user, namespace);
  }

  /** The snapshot this authorizer reads now. */
  public RbacPolicy policy() {
    return policy.get();
  }

  /** An escalation guard on the same snapshots, asking this authorizer about escalate/bind. */
  public EscalationGuard escalationGuard() {
    return new EscalationGuard(policy, this);
  }
}
