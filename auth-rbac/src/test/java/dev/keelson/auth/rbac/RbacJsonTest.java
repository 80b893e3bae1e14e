package dev.keelson.auth.rbac;

import static dev.keelson.auth.rbac.Fixtures.json;
import static dev.keelson.auth.rbac.Fixtures.jsonOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RBAC objects as kubectl sends them and as the server returns them (rbac/kubectl/*.json). */
@Timeout(30)
class RbacJsonTest {

  @Test
  void readsARoleKubectlCreateSendsWithoutNamespaceIntoTheRequestsNamespace() {
    JsonNode obj = json("/rbac/kubectl/role-create.json");
    Role r = (Role) RbacJson.parse(obj, "team-a");
    assertThat(r.kind()).isEqualTo(RbacKind.ROLE);
    assertThat(r.namespace()).isEqualTo("team-a");
    assertThat(r.name()).isEqualTo("pod-reader");
    assertThat(r.rules()).containsExactly(
        PolicyRule.verbs("get", "list", "watch").groups("").resources("pods", "pods/log")
            .build(),
        PolicyRule.verbs("get").groups("").resources("configmaps").names("app-config").build());
    assertThatThrownBy(() -> RbacJson.parse(obj))
        .isInstanceOf(InvalidRbacObjectException.class)
        .hasMessage("metadata.namespace: Required value");
  }

  @Test
  void refusesAnObjectNamingAnotherNamespaceThanTheRequest() {
    JsonNode obj = json("/rbac/kubectl/rolebinding-create.json");
    assertThat(RbacJson.parse(obj, "team-a").namespace()).isEqualTo("team-a");
    assertThatThrownBy(() -> RbacJson.parse(obj, "team-b"))
        .isInstanceOf(InvalidRbacObjectException.class)
        .hasMessageContaining("does not match the namespace sent on the request");
  }

  @Test
  void readsAnAggregatedClusterRoleWithNullRules() {
    Role r = (Role) RbacJson.parse(json("/rbac/kubectl/clusterrole-aggregated.json"));
    assertThat(r.kind()).isEqualTo(RbacKind.CLUSTER_ROLE);
    assertThat(r.namespace()).isEmpty();
    assertThat(r.rules()).isEmpty();
    AggregationRule agg = r.aggregationRule().orElseThrow();
    assertThat(agg.clusterRoleSelectors()).hasSize(2);
    assertThat(agg.clusterRoleSelectors().get(1).matchExpressions()).containsExactly(
        new LabelSelector.Requirement("tier", LabelSelector.Operator.NOT_IN, List.of("bronze")),
        new LabelSelector.Requirement("team", LabelSelector.Operator.EXISTS, List.of()));
    assertThat(agg.selects(Map.of("rbac.example.com/aggregate-to-monitoring", "true"))).isTrue();
    assertThat(agg.selects(Map.of("team", "x"))).isTrue();
    assertThat(agg.selects(Map.of("team", "x", "tier", "bronze"))).isFalse();
    assertThat(agg.selects(Map.of("tier", "gold"))).isFalse();
  }

  @Test
  void readsARoleBindingWithUserGroupAndServiceAccountSubjects() {
    Binding b = (Binding) RbacJson.parse(json("/rbac/kubectl/rolebinding-create.json"));
    assertThat(b.kind()).isEqualTo(RbacKind.ROLE_BINDING);
    assertThat(b.key()).isEqualTo(new RbacObject.Key(RbacKind.ROLE_BINDING, "team-a",
        "bob-view"));
    assertThat(b.roleRef()).isEqualTo(RoleRef.clusterRole("view"));
    assertThat(b.subjects()).containsExactly(Subject.user("bob"), Subject.group("devs"),
        Subject.serviceAccount("team-a", "builder"));
  }

  @Test
  void readsAClusterRoleBindingAsTheServerReturnsItIgnoringMetadataItDoesNotNeed() {
    Binding b = (Binding) RbacJson.parse(json("/rbac/kubectl/clusterrolebinding-server.json"));
    assertThat(b.kind()).isEqualTo(RbacKind.CLUSTER_ROLE_BINDING);
    assertThat(b.name()).isEqualTo("ops-admin");
    assertThat(b.roleRef().name()).isEqualTo("cluster-admin");
    assertThat(b.subjects()).containsExactly(Subject.group("ops"),
        Subject.serviceAccount("argocd", "argo"));
  }

  @Test
  void readsLabelsAndNonResourceRules() {
    Role r = (Role) RbacJson.parse(json("/rbac/kubectl/clusterrole-nonresource.json"));
    assertThat(r.labels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .hasSize(2);
    assertThat(r.rules().get(1)).isEqualTo(PolicyRule.verbs("get")
        .urls("/metrics", "/metrics/cadvisor").build());
    assertThat(r.rules().get(1).isResourceRule()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"role-create.json", "clusterrole-aggregated.json",
      "rolebinding-create.json", "clusterrolebinding-server.json",
      "clusterrole-nonresource.json"})
  void writesWhatItReadsSoThatReadingItAgainGivesTheSameObject(String file) {
    RbacObject o = RbacJson.parse(json("/rbac/kubectl/" + file), "team-a");
    JsonNode written = RbacJson.toJson(o);
    assertThat(written.path("apiVersion").asText()).isEqualTo("rbac.authorization.k8s.io/v1");
    assertThat(written.path("kind").asText()).isEqualTo(o.kind().kindName());
    assertThat(RbacJson.parse(written)).isEqualTo(o);
  }

  @Test
  void writesSubjectsWithTheirApiGroupAndRulesWithoutEmptyFields() {
    JsonNode b = RbacJson.toJson(RbacJson.parse(json("/rbac/kubectl/rolebinding-create.json")));
    assertThat(b.at("/subjects/0/apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(b.at("/subjects/2").has("apiGroup")).isFalse();
    assertThat(b.at("/subjects/2/namespace").asText()).isEqualTo("team-a");
    JsonNode rule = RbacJson.toJson(PolicyRule.verbs("get").urls("/healthz").build());
    assertThat(rule.toString()).isEqualTo("{\"verbs\":[\"get\"],\"nonResourceURLs\":"
        + "[\"/healthz\"]}");
  }

  @Test
  void subjectsWithoutApiGroupGetTheDefault() {
    Binding b = (Binding) RbacJson.parse(jsonOf("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
         "metadata":{"name":"x"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
         "subjects":[{"kind":"User","name":"u"}]}"""));
    assertThat(b.subjects()).containsExactly(Subject.user("u"));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("non-resource URLs in a Role", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role",
             "metadata":{"name":"r","namespace":"n"},
             "rules":[{"nonResourceURLs":["/metrics"],"verbs":["get"]}]}""",
            "rules[0].nonResourceURLs: Invalid value: namespaced rules cannot apply to "
                + "non-resource URLs"),
        Arguments.of("a ClusterRoleBinding to a Role", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
             "metadata":{"name":"b"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}""",
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""),
        Arguments.of("a rule without verbs", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
             "metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"]}]}""",
            "rules[0].verbs: Required value: verbs must contain at least one value"),
        Arguments.of("a resource rule without apiGroups", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
             "metadata":{"name":"r"},"rules":[{"resources":["pods"],"verbs":["get"]}]}""",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api "
                + "group"),
        Arguments.of("a rule on resources and URLs", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
             "metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],
             "nonResourceURLs":["/x"],"verbs":["get"]}]}""",
            "rules[0].nonResourceURLs: Invalid value: rules cannot apply to both regular "
                + "resources and non-resource URLs"),
        Arguments.of("a roleRef in another API group", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
             "metadata":{"name":"b","namespace":"n"},
             "roleRef":{"apiGroup":"example.com","kind":"Role","name":"r"}}""",
            "roleRef.apiGroup: Unsupported value: \"example.com\": supported values: "
                + "\"rbac.authorization.k8s.io\""),
        Arguments.of("a cluster-wide service account without namespace", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
             "metadata":{"name":"b"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"},
             "subjects":[{"kind":"ServiceAccount","name":"sa"}]}""",
            "subjects[0].namespace: Required value"),
        Arguments.of("an unknown subject kind", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
             "metadata":{"name":"b","namespace":"n"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},
             "subjects":[{"kind":"Robot","name":"r2"}]}""",
            "subjects[0].kind: Unsupported value: \"Robot\": supported values: "
                + "\"ServiceAccount\", \"User\", \"Group\""),
        Arguments.of("a service account with the RBAC API group", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
             "metadata":{"name":"b","namespace":"n"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},
             "subjects":[{"kind":"ServiceAccount","apiGroup":"rbac.authorization.k8s.io",
             "name":"sa"}]}""",
            "subjects[0].apiGroup: Unsupported value: \"rbac.authorization.k8s.io\": supported "
                + "values: \"\""),
        Arguments.of("an aggregation rule on a Role", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role",
             "metadata":{"name":"r","namespace":"n"},
             "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"a":"b"}}]}}""",
            "aggregationRule: Forbidden: only ClusterRoles can be aggregated"),
        Arguments.of("an In expression without values", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
             "metadata":{"name":"r"},"aggregationRule":{"clusterRoleSelectors":[
             {"matchExpressions":[{"key":"k","operator":"In"}]}]}}""",
            "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required "
                + "value: must be specified when `operator` is 'In' or 'NotIn'"),
        Arguments.of("a namespace on a ClusterRole", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
             "metadata":{"name":"r","namespace":"n"}}""",
            "metadata.namespace: Forbidden: not allowed on this type"),
        Arguments.of("no name", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{}}""",
            "metadata.name: Required value: name or generateName is required"),
        Arguments.of("verbs that are not strings", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
             "metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],
             "verbs":[1]}]}""",
            "rules[0].verbs[0]: Invalid value: expected a string"),
        Arguments.of("another API version", """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""",
            "apiVersion: Unsupported value: \"v1\": supported values: "
                + "\"rbac.authorization.k8s.io/v1\""),
        Arguments.of("another kind", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Policy","metadata":{"name":"c"}}
            """, "kind: Unsupported value: \"Policy\": supported values: \"Role\", "
                + "\"ClusterRole\", \"RoleBinding\", \"ClusterRoleBinding\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesWhatKubernetesValidationRefuses(String name, String obj, String message) {
    assertThatThrownBy(() -> RbacJson.parse(jsonOf(obj)))
        .isInstanceOf(InvalidRbacObjectException.class).hasMessage(message);
  }
}
