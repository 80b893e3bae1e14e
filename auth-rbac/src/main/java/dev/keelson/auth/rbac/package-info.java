/**
 * Kubernetes RBAC as a library: the rbac.authorization.k8s.io/v1 model and its JSON
 * ({@link dev.keelson.auth.rbac.RbacJson}), immutable indexed snapshots
 * ({@link dev.keelson.auth.rbac.RbacPolicy}) kept current from a watch
 * ({@link dev.keelson.auth.rbac.RbacCache}), the authorizer of the request path
 * ({@link dev.keelson.auth.rbac.RbacAuthorizer}), the rules a user holds (SelfSubjectRulesReview),
 * escalation prevention for writes of roles and bindings
 * ({@link dev.keelson.auth.rbac.EscalationGuard}, {@link dev.keelson.auth.rbac.RuleCoverage}),
 * and the default objects ({@link dev.keelson.auth.rbac.BootstrapPolicy}).
 *
 * <p>Semantics follow Kubernetes: permissions are purely additive, RBAC answers ALLOW or
 * NO_OPINION and never DENY; group {@code system:masters} may do everything.
 *
 * <p>One difference: Kubernetes fills an aggregated ClusterRole's {@code rules} by a controller
 * that overwrites them; here a snapshot computes the aggregation itself and keeps the role's own
 * rules in addition. Nothing writes the aggregated rules back to the stored object.
 */
package dev.keelson.auth.rbac;
