package dev.keelson.auth.rbac;

import static dev.keelson.auth.rbac.Fixtures.named;
import static dev.keelson.auth.rbac.Fixtures.res;
import static dev.keelson.auth.rbac.Fixtures.serviceAccount;
import static dev.keelson.auth.rbac.Fixtures.sub;
import static dev.keelson.auth.rbac.Fixtures.url;
import static dev.keelson.auth.rbac.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer.Decision;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubernetes' RBAC semantics over the fixture policy (rbac/fixture.yaml) plus the bootstrap
 * policy: one row per request, with whether RBAC allows it and, for some, the reason it gives.
 */
@Timeout(30)
class RbacAuthorizerTest {
  private static final RbacAuthorizer RBAC = RbacAuthorizer.of(
      RbacPolicy.of(Fixtures.fixtureObjects()));

  private static final UserInfo ALICE = user("alice");
  private static final UserInfo BOB = user("bob");
  private static final UserInfo CAROL = user("carol");
  private static final UserInfo DAVE = user("dave");
  private static final UserInfo ERIN = user("erin");
  private static final UserInfo FRANK = user("frank");
  private static final UserInfo GRACE = user("grace");
  private static final UserInfo MONA = user("mona");
  private static final UserInfo PAT = user("pat");
  private static final UserInfo MIKE = user("mike", "monitoring-team");
  private static final UserInfo GINA = user("gina", "devs");
  private static final UserInfo NAMED_DEVS = user("devs");
  private static final UserInfo VICTOR = user("victor");
  private static final UserInfo EDDIE = user("eddie");
  private static final UserInfo ADA = user("ada");
  private static final UserInfo ROOT = new UserInfo("root", "", List.of("system:masters"),
      java.util.Map.of());
  private static final UserInfo ANON = UserInfo.ANONYMOUS;
  private static final UserInfo BUILDER = serviceAccount("team-a", "builder");
  private static final UserInfo OTHER_BUILDER = serviceAccount("team-b", "builder");
  private static final UserInfo DEPLOYER = serviceAccount("team-a", "deployer");
  private static final UserInfo TEAM_B_SA = serviceAccount("team-b", "anything");

  private static Arguments allow(String name, Attributes a) {
    return Arguments.of(name, a, true, "");
  }

  private static Arguments allow(String name, Attributes a, String reason) {
    return Arguments.of(name, a, true, reason);
  }

  private static Arguments none(String name, Attributes a) {
    return Arguments.of(name, a, false, "");
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        // verbs
        allow("verb * allows delete", res(CAROL, "delete", "", "configmaps", "team-a")),
        allow("verb * allows any verb, even deletecollection",
            res(CAROL, "deletecollection", "", "configmaps", "team-b")),
        none("verb * on configmaps grants no secrets", res(CAROL, "get", "", "secrets", "team-a")),
        allow("listed verb allowed in every namespace by a ClusterRoleBinding",
            res(ALICE, "list", "", "pods", "team-b"),
            "RBAC: allowed by ClusterRoleBinding \"alice-pods\" of ClusterRole \"pod-reader\" "
                + "to User \"alice\""),
        none("unlisted verb not allowed", res(ALICE, "delete", "", "pods", "team-a")),
        // API groups
        allow("apiGroups * matches apps", res(CAROL, "get", "apps", "deployments", "team-a")),
        allow("apiGroups * matches extensions",
            res(CAROL, "get", "extensions", "deployments", "team-a")),
        none("apiGroups * does not widen verbs", res(CAROL, "list", "apps", "deployments", "x")),
        none("core-group rule does not match apps pods", res(ALICE, "get", "apps", "pods", "x")),
        // resources
        allow("resources * matches every batch resource", res(CAROL, "get", "batch", "jobs", "x")),
        allow("resources * matches subresources too",
            sub(CAROL, "get", "batch", "cronjobs", "status", "x", "nightly")),
        none("resources * stays in its group", res(CAROL, "get", "apps", "replicasets", "x")),
        // subresources
        allow("pods/status rule allows the status subresource",
            sub(DAVE, "update", "", "pods", "status", "team-a", "web-0")),
        none("pods/status rule does not grant pods", named(DAVE, "update", "", "pods", "team-a",
            "web-0")),
        none("pods rule does not grant pods/status",
            sub(ALICE, "get", "", "pods", "status", "team-a", "web-0")),
        allow("*/scale allows deployments/scale", sub(DAVE, "update", "apps", "deployments",
            "scale", "team-a", "web")),
        allow("*/scale allows statefulsets/scale", sub(DAVE, "get", "apps", "statefulsets",
            "scale", "team-a", "db")),
        none("*/scale does not allow deployments/status", sub(DAVE, "update", "apps",
            "deployments", "status", "team-a", "web")),
        none("*/scale does not allow the resource itself", named(DAVE, "get", "apps",
            "deployments", "team-a", "web")),
        none("*/scale stays in its group", sub(DAVE, "update", "", "replicationcontrollers",
            "scale", "team-a", "rc")),
        // resource names
        allow("listed resource name allowed",
            named(ERIN, "get", "", "configmaps", "team-a", "app-config")),
        none("other resource name not allowed",
            named(ERIN, "get", "", "configmaps", "team-a", "other")),
        none("list (no name) not allowed by a resourceNames rule",
            res(ERIN, "list", "", "configmaps", "team-a")),
        none("resourceNames rule bound in team-a does not apply in team-b",
            named(ERIN, "get", "", "configmaps", "team-b", "app-config")),
        // non-resource URLs
        allow("exact non-resource URL", url(MIKE, "get", "/metrics"),
            "RBAC: allowed by ClusterRoleBinding \"monitoring-team-metrics\" of ClusterRole "
                + "\"metrics-reader\" to Group \"monitoring-team\""),
        allow("prefix non-resource URL", url(MIKE, "get", "/logs/kubelet.log")),
        none("prefix /logs/* does not match /logs", url(MIKE, "get", "/logs")),
        none("non-resource verb must match", url(MIKE, "post", "/metrics")),
        none("non-resource rules bound by a RoleBinding never apply", url(BOB, "get", "/metrics")),
        // aggregation
        allow("aggregated role gets the labelled role's rules",
            res(MONA, "list", "", "endpoints", "team-a")),
        allow("aggregated role keeps its own rules", named(MONA, "get", "", "services", "team-a",
            "web")),
        none("aggregated role does not get an unlabelled role's rules",
            res(MONA, "get", "", "pods", "team-a")),
        allow("matchExpressions In and DoesNotExist aggregate gold",
            named(PAT, "get", "", "secrets", "team-b", "s")),
        none("matchExpressions DoesNotExist excludes the deprecated silver role",
            named(PAT, "get", "", "configmaps", "team-b", "c")),
        // RoleBindings vs ClusterRoleBindings
        allow("RoleBinding to a ClusterRole allows in its namespace",
            named(BOB, "get", "", "pods", "team-a", "web-0"),
            "RBAC: allowed by RoleBinding \"bob-pods/team-a\" of ClusterRole \"pod-reader\" to "
                + "User \"bob\""),
        none("RoleBinding to a ClusterRole is limited to its namespace",
            named(BOB, "get", "", "pods", "team-b", "web-0")),
        none("RoleBinding does not allow listing across all namespaces",
            res(BOB, "list", "", "pods", "")),
        allow("RoleBinding to a Role of its namespace", named(BOB, "get", "", "secrets", "team-a",
            "s"), "RBAC: allowed by RoleBinding \"bob-secrets/team-a\" of Role \"secret-reader\""
                + " to User \"bob\""),
        none("Role of team-a grants nothing in team-b",
            named(BOB, "get", "", "secrets", "team-b", "s")),
        none("RoleBinding cannot grant cluster-scoped nodes", res(BOB, "list", "", "nodes", "")),
        allow("ClusterRoleBinding grants cluster-scoped nodes", res(FRANK, "list", "", "nodes",
            "")),
        // service accounts
        allow("service account subject without namespace means the binding's namespace",
            res(BUILDER, "create", "apps", "deployments", "team-a"),
            "RBAC: allowed by RoleBinding \"builder-edit/team-a\" of ClusterRole \"edit\" to "
                + "ServiceAccount \"builder/team-a\""),
        none("same service account name in another namespace is another subject",
            res(OTHER_BUILDER, "create", "apps", "deployments", "team-a")),
        allow("service account bound in another namespace",
            res(DEPLOYER, "list", "", "pods", "team-b")),
        none("service account bound in team-b only", res(DEPLOYER, "list", "", "pods", "team-a")),
        allow("group system:serviceaccounts:<ns> covers every service account of the namespace",
            res(TEAM_B_SA, "watch", "", "pods", "team-b")),
        none("group system:serviceaccounts:team-b binding is limited to team-b",
            res(TEAM_B_SA, "watch", "", "pods", "team-a")),
        // groups
        allow("group subject matches a member", res(GINA, "get", "", "pods", "team-b"),
            "RBAC: allowed by RoleBinding \"devs-pods/team-b\" of ClusterRole \"pod-reader\" to "
                + "Group \"devs\""),
        none("group subject does not match a user of that name",
            res(NAMED_DEVS, "get", "", "pods", "team-b")),
        // system:masters
        allow("system:masters may delete nodes", named(ROOT, "delete", "", "nodes", "", "n1"),
            "RBAC: allowed because user \"root\" is in group \"system:masters\""),
        allow("system:masters may use any URL", url(ROOT, "put", "/anything")),
        // missing roles
        none("binding to a missing Role grants nothing", res(GRACE, "get", "", "pods", "team-a")),
        none("binding to a missing ClusterRole grants nothing", url(GRACE, "get", "/metrics")),
        // bootstrap policy
        allow("authenticated user may create selfsubjectaccessreviews",
            res(ALICE, "create", "authorization.k8s.io", "selfsubjectaccessreviews", ""),
            "RBAC: allowed by ClusterRoleBinding \"system:basic-user\" of ClusterRole "
                + "\"system:basic-user\" to Group \"system:authenticated\""),
        allow("authenticated user may create selfsubjectrulesreviews",
            res(ALICE, "create", "authorization.k8s.io", "selfsubjectrulesreviews", "")),
        allow("authenticated user may create selfsubjectreviews (whoami)",
            res(ALICE, "create", "authentication.k8s.io", "selfsubjectreviews", "")),
        none("anonymous user may not create selfsubjectaccessreviews",
            res(ANON, "create", "authorization.k8s.io", "selfsubjectaccessreviews", "")),
        allow("anonymous user may get /version", url(ANON, "get", "/version"),
            "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole "
                + "\"system:public-info-viewer\" to Group \"system:unauthenticated\""),
        allow("anonymous user may get /healthz", url(ANON, "get", "/healthz")),
        none("anonymous user may not get /api", url(ANON, "get", "/api")),
        allow("authenticated user may discover /apis/apps/v1", url(ALICE, "get", "/apis/apps/v1")),
        none("discovery is read-only", url(ALICE, "post", "/api")),
        none("view does not grant secrets", named(VICTOR, "get", "", "secrets", "team-a", "s")),
        none("view does not grant pods/exec", sub(VICTOR, "create", "", "pods", "exec", "team-a",
            "web-0")),
        allow("view grants listing deployments (aggregated from system:aggregate-to-view)",
            res(VICTOR, "list", "apps", "deployments", "team-a")),
        none("view does not grant writes", res(VICTOR, "create", "apps", "deployments", "team-a")),
        allow("edit grants secrets", named(EDDIE, "get", "", "secrets", "team-a", "s")),
        allow("edit includes view (aggregated into edit)",
            res(EDDIE, "list", "", "events", "team-a")),
        none("edit does not grant rolebindings",
            res(EDDIE, "create", "rbac.authorization.k8s.io", "rolebindings", "team-a")),
        allow("admin grants rolebindings in its namespace",
            res(ADA, "create", "rbac.authorization.k8s.io", "rolebindings", "team-a")),
        allow("admin includes edit and view", res(ADA, "watch", "", "pods", "team-a")),
        none("admin bound in team-a grants nothing in team-b",
            res(ADA, "create", "rbac.authorization.k8s.io", "rolebindings", "team-b")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void decidesLikeKubernetes(String name, Attributes a, boolean allowed, String reason) {
    Decision d = RBAC.authorize(a);
    assertThat(d.kind()).as(name)
        .isEqualTo(allowed ? Decision.Kind.ALLOW : Decision.Kind.NO_OPINION);
    if (!allowed) {
      assertThat(d.reason()).isEmpty();
    } else if (!reason.isEmpty()) {
      assertThat(d.reason()).isEqualTo(reason);
    } else {
      assertThat(d.reason()).startsWith("RBAC: allowed ");
    }
  }

  @Test
  void tableHasAtLeastFortyFiveCases() {
    assertThat(requests().count()).isGreaterThanOrEqualTo(45);
  }

  @Test
  void neverDeniesOnlyAllowsOrHasNoOpinion() {
    requests().forEach(args -> assertThat(RBAC.authorize((Attributes) args.get()[1]).kind())
        .isNotEqualTo(Decision.Kind.DENY));
  }

  @Test
  void aggregationFollowsLabelChangesAfterARebuild() {
    RbacCache cache = new RbacCache();
    cache.replaceAll(Fixtures.manifests("/rbac/fixture.yaml"));
    RbacAuthorizer rbac = RbacAuthorizer.of(cache);
    Attributes getPods = res(MONA, "get", "", "pods", "team-a");
    assertThat(rbac.authorize(getPods).kind()).isEqualTo(Decision.Kind.NO_OPINION);

    ObjectNode podsRole = (ObjectNode) monitoringPods();
    ((ObjectNode) podsRole.get("metadata")).putObject("labels")
        .put("rbac.example.com/aggregate-to-monitoring", "true");
    cache.put(podsRole);
    assertThat(rbac.authorize(getPods).kind()).isEqualTo(Decision.Kind.ALLOW);
    assertThat(rbac.authorize(getPods).reason()).contains("ClusterRole \"monitoring\"");

    ((ObjectNode) podsRole.get("metadata")).remove("labels");
    cache.put(podsRole);
    assertThat(rbac.authorize(getPods).kind()).isEqualTo(Decision.Kind.NO_OPINION);
    // the labelled role going away takes its rules out of the aggregate too
    assertThat(rbac.authorize(res(MONA, "get", "", "endpoints", "team-a")).kind())
        .isEqualTo(Decision.Kind.ALLOW);
    cache.remove(RbacKind.CLUSTER_ROLE, "", "monitoring-endpoints");
    assertThat(rbac.authorize(res(MONA, "get", "", "endpoints", "team-a")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
  }

  private static JsonNode monitoringPods() {
    return Fixtures.manifests("/rbac/fixture.yaml").stream()
        .filter(n -> n.path("metadata").path("name").asText().equals("monitoring-pods"))
        .findFirst().orElseThrow().deepCopy();
  }

  @Test
  void aggregationIsTransitiveAndSurvivesCycles() {
    Role a = new Role("", "a", java.util.Map.of("to-b", "true"),
        List.of(PolicyRule.verbs("get").groups("").resources("pods").build()),
        java.util.Optional.of(AggregationRule.matchingLabel("to-a", "true")));
    Role b = new Role("", "b", java.util.Map.of("to-a", "true"),
        List.of(PolicyRule.verbs("get").groups("").resources("secrets").build()),
        java.util.Optional.of(AggregationRule.matchingLabel("to-b", "true")));
    Role c = new Role("", "c", java.util.Map.of("to-b", "true"),
        List.of(PolicyRule.verbs("get").groups("").resources("nodes").build()),
        java.util.Optional.empty());
    RbacPolicy p = RbacPolicy.of(List.of(a, b, c));
    // a <- b <- {a, c}: a holds pods (own), secrets (b), nodes (c, through b)
    assertThat(p.rulesOf(RoleRef.clusterRole("a"), "").orElseThrow())
        .extracting(r -> r.resources().get(0)).containsExactly("pods", "secrets", "nodes");
    assertThat(p.rulesOf(RoleRef.clusterRole("b"), "").orElseThrow())
        .extracting(r -> r.resources().get(0)).containsExactlyInAnyOrder("secrets", "pods",
            "nodes");
    assertThat(p.rulesOf(RoleRef.clusterRole("c"), "").orElseThrow()).hasSize(1);
  }

  @Test
  void anEmptyPolicyHasNoOpinionExceptForSystemMasters() {
    assertThat(RbacPolicy.EMPTY.authorize(res(ALICE, "get", "", "pods", "x")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
    assertThat(RbacPolicy.EMPTY.authorize(url(ANON, "get", "/version")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
    assertThat(RbacPolicy.EMPTY.authorize(res(ROOT, "get", "", "pods", "x")).kind())
        .isEqualTo(Decision.Kind.ALLOW);
  }

  @Test
  void rulesForListsClusterWideAndNamespaceRulesSplitByKind() {
    UserRules teamA = RBAC.rulesFor(BOB, "team-a");
    assertThat(teamA.resourceRules()).contains(
        PolicyRule.verbs("get", "list", "watch").groups("").resources("pods").build(),
        PolicyRule.verbs("get").groups("").resources("secrets").build(),
        PolicyRule.verbs("get", "list", "watch").groups("").resources("nodes").build(),
        PolicyRule.verbs("create").groups("authorization.k8s.io")
            .resources("selfsubjectaccessreviews", "selfsubjectrulesreviews").build());
    // listed as Kubernetes lists them, though a RoleBinding's URL rules never authorize
    assertThat(teamA.nonResourceRules()).contains(
        PolicyRule.verbs("get").urls("/metrics", "/logs/*").build());
    assertThat(teamA.nonResourceRules()).allMatch(r -> !r.isResourceRule());
    assertThat(teamA.resourceRules()).allMatch(PolicyRule::isResourceRule);

    UserRules clusterWide = RBAC.rulesFor(BOB, "");
    assertThat(clusterWide.all()).noneMatch(r -> r.resources().contains("pods"));
    assertThat(clusterWide.nonResourceRules()).noneMatch(r -> r.nonResourceURLs()
        .contains("/metrics"));
    assertThat(RBAC.rulesFor(BOB, "team-b").all()).noneMatch(r -> r.resources()
        .contains("secrets"));
    assertThat(RBAC.rulesFor(ROOT, "").all()).containsAll(RbacPolicy.FULL_AUTHORITY);
  }

  @Test
  void rulesForListsEachRuleOnceWhenReachedThroughSeveralSubjects() {
    Binding twice = Binding.roleBinding("ns", "twice", RoleRef.clusterRole("r"),
        List.of(Subject.user("u"), Subject.group("g")));
    Role r = Role.clusterRole("r", List.of(PolicyRule.verbs("get").groups("")
        .resources("pods").build()));
    RbacPolicy p = RbacPolicy.of(List.of(r, twice));
    assertThat(p.rulesFor(new UserInfo("u", "", List.of("g"), java.util.Map.of()), "ns").all())
        .hasSize(1);
  }

  @Test
  void twoObjectsWithTheSameKeyAreRejected() {
    Role r = Role.clusterRole("r", List.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RbacPolicy.of(List.of(r, r)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same kind");
  }

  @Test
  void attributesWithNullFieldsAreReadAsEmpty() {
    Attributes a = new Attributes(BOB, "get", true, "", "v1", "pods", null, "team-a", null, null);
    assertThat(RBAC.authorize(a).kind()).isEqualTo(Decision.Kind.ALLOW);
    Attributes noUser = new Attributes(null, "get", true, "", "v1", "pods", "", "team-a", "",
        "");
    assertThat(RBAC.authorize(noUser).kind()).isEqualTo(Decision.Kind.NO_OPINION);
  }
}
