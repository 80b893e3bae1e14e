package dev.keelson.auth.rbac;

import static dev.keelson.auth.rbac.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A user can only grant what they hold, unless they may escalate or bind (Kubernetes' rules). */
@Timeout(30)
class EscalationGuardTest {
  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  private static final UserInfo EDDIE = user("eddie");   // edit in team-a
  private static final UserInfo ALICE = user("alice");   // pod-reader cluster-wide
  private static final UserInfo BINDER = user("binder"); // bind clusterroles/cluster-admin
  private static final UserInfo ESC = user("esc");       // escalate roles in team-a
  private static final UserInfo ESC_NAMED = user("esc-named"); // escalate roles/special
  private static final UserInfo ALMOST = user("almost"); // * on the core group and URLs
  private static final UserInfo CLUSTER_ADMIN = user("ca"); // bound to cluster-admin
  private static final UserInfo ROOT = new UserInfo("root", "", List.of("system:masters"),
      Map.of());

  private static final RbacPolicy POLICY = RbacPolicy.of(objects());
  private static final RbacAuthorizer RBAC = RbacAuthorizer.of(POLICY);
  private static final EscalationGuard GUARD = RBAC.escalationGuard();

  private static List<RbacObject> objects() {
    List<RbacObject> all = new ArrayList<>(Fixtures.fixtureObjects());
    all.add(Role.clusterRole("bind-cluster-admin", List.of(PolicyRule.verbs("bind")
        .groups(RBAC_GROUP).resources("clusterroles").names("cluster-admin").build())));
    all.add(Binding.clusterRoleBinding("binder", RoleRef.clusterRole("bind-cluster-admin"),
        List.of(Subject.user("binder"))));
    all.add(Role.clusterRole("escalate-roles", List.of(PolicyRule.verbs("escalate")
        .groups(RBAC_GROUP).resources("roles").build())));
    all.add(Binding.roleBinding("team-a", "esc", RoleRef.clusterRole("escalate-roles"),
        List.of(Subject.user("esc"))));
    all.add(Role.clusterRole("escalate-special", List.of(PolicyRule.verbs("escalate")
        .groups(RBAC_GROUP).resources("roles").names("special").build())));
    all.add(Binding.roleBinding("team-a", "esc-named", RoleRef.clusterRole("escalate-special"),
        List.of(Subject.user("esc-named"))));
    // everything in the core group and every URL: much, but not full authority, and no
    // escalate (roles are in rbac.authorization.k8s.io)
    all.add(Role.clusterRole("all-core", List.of(
        PolicyRule.verbs("*").groups("").resources("*").build(),
        PolicyRule.verbs("*").urls("*").build())));
    all.add(Binding.clusterRoleBinding("almost", RoleRef.clusterRole("all-core"),
        List.of(Subject.user("almost"))));
    all.add(Binding.clusterRoleBinding("ca", RoleRef.clusterRole("cluster-admin"),
        List.of(Subject.user("ca"))));
    return all;
  }

  private static Role broadPodsRole(String namespace, String name) {
    return Role.role(namespace, name, List.of(PolicyRule.verbs("*").groups("").resources("pods")
        .build()));
  }

  @Test
  void editUserCannotBindClusterAdmin() {
    EscalationCheck c = GUARD.canBind(EDDIE, "team-a", RoleRef.clusterRole("cluster-admin"));
    assertThat(c.allowed()).isFalse();
    assertThat(c.message()).startsWith("user \"eddie\" (groups=[\"system:authenticated\"]) is "
        + "attempting to grant RBAC permissions not currently held:\n");
    assertThat(c.message().split("\n")).contains(
        "{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}",
        "{NonResourceURLs:[\"*\"], Verbs:[\"*\"]}");
  }

  @Test
  void editUserCanBindViewInItsNamespaceBecauseEditCoversView() {
    EscalationCheck c = GUARD.canBind(EDDIE, "team-a", RoleRef.clusterRole("view"));
    assertThat(c.allowed()).as(c.message()).isTrue();
    assertThat(c.message()).isEqualTo("user holds every rule of the role");
  }

  @Test
  void editUserCannotBindViewClusterWideOrInAnotherNamespace() {
    assertThat(GUARD.canBind(EDDIE, "", RoleRef.clusterRole("view")).allowed()).isFalse();
    assertThat(GUARD.canBind(EDDIE, "team-b", RoleRef.clusterRole("view")).allowed()).isFalse();
  }

  @Test
  void bindOnClusterAdminByNameAllowsBindingItAnywhere() {
    EscalationCheck cluster = GUARD.canBind(BINDER, "", RoleRef.clusterRole("cluster-admin"));
    assertThat(cluster.allowed()).isTrue();
    assertThat(cluster.message()).isEqualTo("user may bind clusterroles \"cluster-admin\"");
    assertThat(GUARD.canBind(BINDER, "team-b", RoleRef.clusterRole("cluster-admin")).allowed())
        .isTrue();
  }

  @Test
  void bindOnOneRoleDoesNotAllowBindingAnother() {
    assertThat(GUARD.canBind(BINDER, "", RoleRef.clusterRole("admin")).allowed()).isFalse();
  }

  @Test
  void roleBroaderThanOwnPermissionsIsRefusedWithTheMissingRules() {
    EscalationCheck c = GUARD.canCreateOrUpdateRole(EDDIE, broadPodsRole("team-a", "r"), true);
    assertThat(c.allowed()).isFalse();
    assertThat(c.message()).isEqualTo("user \"eddie\" (groups=[\"system:authenticated\"]) is "
        + "attempting to grant RBAC permissions not currently held:\n"
        + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"*\"]}");
  }

  @Test
  void roleWithinOwnPermissionsIsAllowedInTheBindingsNamespaceOnly() {
    Role narrow = Role.role("team-a", "r", List.of(PolicyRule.verbs("get", "list", "delete")
        .groups("").resources("pods").build()));
    assertThat(GUARD.canCreateOrUpdateRole(EDDIE, narrow, true).allowed()).isTrue();
    Role elsewhere = Role.role("team-b", "r", narrow.rules());
    assertThat(GUARD.canCreateOrUpdateRole(EDDIE, elsewhere, true).allowed()).isFalse();
  }

  @Test
  void clusterWideRulesCountInANamespaceAndMissingRulesAreCompactedAndSorted() {
    Role r = Role.role("team-a", "r", List.of(
        PolicyRule.verbs("get", "list", "delete", "patch").groups("").resources("secrets",
            "pods").build()));
    EscalationCheck c = GUARD.canCreateOrUpdateRole(ALICE, r, true);
    assertThat(c.allowed()).isFalse();
    // alice holds get/list pods cluster-wide: only the rest is missing, one line per resource
    assertThat(c.message()).endsWith("held:\n"
        + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"patch\"]}\n"
        + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\" \"delete\" "
        + "\"patch\"]}");
  }

  @Test
  void escalateVerbAllowsAnyRoleInItsNamespace() {
    EscalationCheck c = GUARD.canCreateOrUpdateRole(ESC, broadPodsRole("team-a", "r"), true);
    assertThat(c.allowed()).isTrue();
    assertThat(c.message()).isEqualTo("user may escalate roles");
    assertThat(GUARD.canCreateOrUpdateRole(ESC, broadPodsRole("team-b", "r"), true).allowed())
        .isFalse();
  }

  @Test
  void escalateOnANamedRoleAllowsUpdatingItButNotCreatingIt() {
    Role special = broadPodsRole("team-a", "special");
    // Kubernetes' create request names no object, so a resourceNames rule cannot match it
    assertThat(GUARD.canCreateOrUpdateRole(ESC_NAMED, special, true).allowed()).isFalse();
    assertThat(GUARD.canCreateOrUpdateRole(ESC_NAMED, special, false).allowed()).isTrue();
    assertThat(GUARD.canCreateOrUpdateRole(ESC_NAMED, broadPodsRole("team-a", "other"), false)
        .allowed()).isFalse();
  }

  @Test
  void anAggregationRuleNeedsFullAuthority() {
    Role aggregating = new Role("", "gather", Map.of(), List.of(),
        Optional.of(AggregationRule.matchingLabel("x", "true")));
    EscalationCheck almost = GUARD.canCreateOrUpdateRole(ALMOST, aggregating, true);
    assertThat(almost.allowed()).isFalse();
    assertThat(almost.message()).isEqualTo("must have cluster-admin privileges to use the "
        + "aggregationRule");
    assertThat(GUARD.canCreateOrUpdateRole(CLUSTER_ADMIN, aggregating, true).allowed()).isTrue();
    assertThat(GUARD.canCreateOrUpdateRole(ROOT, aggregating, true).allowed()).isTrue();
    // the same role without the rule is within "almost"'s rights
    assertThat(GUARD.canCreateOrUpdateRole(ALMOST, Role.clusterRole("gather", List.of(
        PolicyRule.verbs("get").groups("").resources("pods").build())), true).allowed()).isTrue();
  }

  @Test
  void bindingAMissingRoleIsRefusedUnlessTheUserMayBindIt() {
    EscalationCheck c = GUARD.canBind(EDDIE, "team-a", RoleRef.role("nope"));
    assertThat(c.allowed()).isFalse();
    assertThat(c.message()).isEqualTo("roles.rbac.authorization.k8s.io \"nope\" not found");
    assertThat(GUARD.canBind(ROOT, "team-a", RoleRef.role("nope")).allowed()).isTrue();
  }

  @Test
  void systemMastersMayGrantAnything() {
    EscalationCheck c = GUARD.canBind(ROOT, "", RoleRef.clusterRole("cluster-admin"));
    assertThat(c.allowed()).isTrue();
    assertThat(c.message()).contains("system:masters");
    assertThat(GUARD.canCreateOrUpdateRole(ROOT, broadPodsRole("team-a", "r"), true).allowed())
        .isTrue();
  }

  @Test
  void theEscalateAndBindChecksAskTheGivenAuthorizer() {
    List<Attributes> asked = new ArrayList<>();
    Authorizer chain = a -> {
      asked.add(a);
      return a.verb().equals("bind") ? Authorizer.Decision.allow("webhook")
          : Authorizer.Decision.noOpinion();
    };
    EscalationGuard guard = new EscalationGuard(() -> POLICY, chain);
    assertThat(guard.canBind(EDDIE, "team-a", RoleRef.clusterRole("cluster-admin")).allowed())
        .isTrue();
    assertThat(guard.canCreateOrUpdateRole(EDDIE, broadPodsRole("team-a", "r"), false)
        .allowed()).isFalse();
    assertThat(asked).extracting(Attributes::verb, Attributes::apiGroup, Attributes::resource,
            Attributes::namespace, Attributes::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("bind", RBAC_GROUP, "clusterroles", "team-a",
                "cluster-admin"),
            org.assertj.core.groups.Tuple.tuple("escalate", RBAC_GROUP, "roles", "team-a", "r"));
  }
}
