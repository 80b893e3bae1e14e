package dev.keelson.auth.rbac;

import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import java.util.List;
import java.util.function.Supplier;

/**
 * RBAC's escalation prevention, which the apiserver runs on every create and update of a role or
 * binding, after authorization: a user can only grant permissions they hold.
 *
 * <ul>
 *   <li>Writing a Role or ClusterRole is allowed if the user is in {@value
 *       RbacPolicy#SYSTEM_MASTERS}, or may {@code escalate} roles/clusterroles (asked of the
 *       authorizer), or holds every rule of the role: in its namespace for a Role, cluster-wide
 *       for a ClusterRole. Setting an aggregation rule, which can gather anything, needs
 *       {@link RbacPolicy#FULL_AUTHORITY} cluster-wide.
 *   <li>Writing a binding is allowed if the user is in {@value RbacPolicy#SYSTEM_MASTERS}, or may
 *       {@code bind} the referenced role (resource roles or clusterroles, named as the role, in
 *       the binding's namespace, or cluster-wide for a ClusterRoleBinding), or holds every rule
 *       of the referenced role where the binding applies. A binding to a role that does not
 *       exist is refused unless one of the first two holds.
 * </ul>
 *
 * <p>The authorizer asked about {@code escalate} and {@code bind} should be the apiserver's whole
 * chain, as in Kubernetes; {@link RbacAuthorizer#escalationGuard()} gives one that asks RBAC.
 */
public final class EscalationGuard {
  private final Supplier<RbacPolicy> policy;
  private final Authorizer authorizer;

  public EscalationGuard(Supplier<RbacPolicy> policy, Authorizer authorizer) {
    this.policy = policy;
    this.authorizer = authorizer;
  }

  /**
   * Whether {@code user} may create ({@code create}) or update {@code role}. On create the
   * {@code escalate} check names no object, as Kubernetes' request for a collection does; on
   * update it names the role.
   */
  public EscalationCheck canCreateOrUpdateRole(UserInfo user, Role role, boolean create) {
    if (user.groups().contains(RbacPolicy.SYSTEM_MASTERS)) {
      return EscalationCheck.permit("user is in group \"" + RbacPolicy.SYSTEM_MASTERS + "\"");
    }
    Attributes escalate = Attributes.resource(user, "escalate", RbacKind.GROUP, "*",
        role.kind().resource(), "", role.namespace(), create ? "" : role.name());
    if (authorizer.authorize(escalate).kind() == Authorizer.Decision.Kind.ALLOW) {
      return EscalationCheck.permit("user may escalate " + role.kind().resource());
    }
    List<PolicyRule> owner = policy.get().rulesFor(user, role.namespace()).all();
    List<PolicyRule> missing = RuleCoverage.uncovered(owner, role.rules());
    if (!missing.isEmpty()) {
      return EscalationCheck.refuse(RuleCoverage.describeMissing(user, missing));
    }
    if (role.aggregationRule().isPresent()
        && !RuleCoverage.uncovered(owner, RbacPolicy.FULL_AUTHORITY).isEmpty()) {
      return EscalationCheck.refuse("must have cluster-admin privileges to use the "
          + "aggregationRule");
    }
    return EscalationCheck.permit("user holds every rule of the role");
  }

  /**
   * Whether {@code user} may create or update a binding in {@code bindingNamespace} (empty for
   * a ClusterRoleBinding) that references {@code roleRef}.
   */
  public EscalationCheck canBind(UserInfo user, String bindingNamespace, RoleRef roleRef) {
    String ns = bindingNamespace == null ? "" : bindingNamespace;
    if (user.groups().contains(RbacPolicy.SYSTEM_MASTERS)) {
      return EscalationCheck.permit("user is in group \"" + RbacPolicy.SYSTEM_MASTERS + "\"");
    }
    Attributes bind = Attributes.resource(user, "bind", roleRef.apiGroup(), "",
        roleRef.kind().resource(), "", ns, roleRef.name());
    if (authorizer.authorize(bind).kind() == Authorizer.Decision.Kind.ALLOW) {
      return EscalationCheck.permit("user may bind " + roleRef.kind().resource() + " "
          + Quoting.quote(roleRef.name()));
    }
    RbacPolicy p = policy.get();
    List<PolicyRule> rules = p.rulesOf(roleRef, ns).orElse(null);
    if (rules == null) {
      return EscalationCheck.refuse(roleRef.kind().resource() + "." + RbacKind.GROUP + " "
          + Quoting.quote(roleRef.name()) + " not found");
    }
    List<PolicyRule> missing = RuleCoverage.uncovered(p.rulesFor(user, ns).all(), rules);
    if (!missing.isEmpty()) {
      return EscalationCheck.refuse(RuleCoverage.describeMissing(user, missing));
    }
    return EscalationCheck.permit("user holds every rule of the role");
  }
}
