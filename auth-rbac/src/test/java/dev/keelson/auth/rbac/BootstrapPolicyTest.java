package dev.keelson.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default objects: shape of their JSON, bindings, and what the aggregated roles hold. */
@Timeout(30)
class BootstrapPolicyTest {
  private static final RbacPolicy POLICY = RbacPolicy.of(BootstrapPolicy.objects());

  private static List<PolicyRule> rulesOf(String clusterRole) {
    return POLICY.rulesOf(RoleRef.clusterRole(clusterRole), "").orElseThrow();
  }

  @Test
  void everyObjectCarriesTheBootstrapLabelAndTheAutoupdateAnnotation() {
    List<ObjectNode> json = BootstrapPolicy.json();
    assertThat(json).hasSize(BootstrapPolicy.objects().size());
    for (ObjectNode n : json) {
      assertThat(n.at("/metadata/labels/kubernetes.io~1bootstrapping").asText())
          .as(n.at("/metadata/name").asText()).isEqualTo("rbac-defaults");
      assertThat(n.at("/metadata/annotations/rbac.authorization.kubernetes.io~1autoupdate")
          .asText()).isEqualTo("true");
    }
  }

  @Test
  void theJsonReadsBackAsTheSameObjectsClusterRolesFirst() {
    List<RbacObject> parsed = BootstrapPolicy.json().stream().map(n -> RbacJson.parse(n))
        .toList();
    assertThat(parsed).isEqualTo(BootstrapPolicy.objects());
    int firstBinding = parsed.indexOf(parsed.stream().filter(o -> o instanceof Binding)
        .findFirst().orElseThrow());
    assertThat(parsed.subList(0, firstBinding)).allMatch(o -> o instanceof Role);
    assertThat(parsed.subList(firstBinding, parsed.size())).allMatch(o -> o instanceof Binding);
  }

  @Test
  void eachCallReturnsNewTrees() {
    ObjectNode first = BootstrapPolicy.json().get(0);
    first.put("kind", "Changed");
    assertThat(BootstrapPolicy.json().get(0).get("kind").asText()).isEqualTo("ClusterRole");
  }

  @Test
  void bindingsReferenceExistingRolesAndTheDocumentedGroups() {
    for (Binding b : BootstrapPolicy.clusterRoleBindings()) {
      assertThat(POLICY.clusterRole(b.roleRef().name())).as(b.name()).isPresent();
    }
    assertThat(subjectsOf("cluster-admin")).containsExactly("system:masters");
    assertThat(subjectsOf("system:discovery")).containsExactly("system:authenticated");
    assertThat(subjectsOf("system:basic-user")).containsExactly("system:authenticated");
    assertThat(subjectsOf("system:public-info-viewer"))
        .containsExactly("system:authenticated", "system:unauthenticated");
  }

  private static List<String> subjectsOf(String binding) {
    return BootstrapPolicy.clusterRoleBindings().stream()
        .filter(b -> b.name().equals(binding)).findFirst().orElseThrow().subjects().stream()
        .map(s -> s.kind().kindName() + ":" + s.name()).map(s -> s.substring("Group:".length()))
        .toList();
  }

  @Test
  void adminCoversEditWhichCoversViewButNotTheOtherWayRound() {
    assertThat(RuleCoverage.uncovered(rulesOf("edit"), rulesOf("view"))).isEmpty();
    assertThat(RuleCoverage.uncovered(rulesOf("admin"), rulesOf("edit"))).isEmpty();
    assertThat(RuleCoverage.uncovered(rulesOf("view"), rulesOf("edit"))).isNotEmpty();
    assertThat(RuleCoverage.uncovered(rulesOf("edit"), rulesOf("admin"))).isNotEmpty();
    assertThat(RuleCoverage.uncovered(rulesOf("cluster-admin"), rulesOf("admin"))).isEmpty();
  }

  @Test
  void viewNamesNoSecretsNorAnythingThatRevealsThem() {
    Set<String> viewResources = rulesOf("view").stream().flatMap(r -> r.resources().stream())
        .collect(Collectors.toSet());
    assertThat(viewResources).contains("pods", "deployments", "jobs", "ingresses", "configmaps")
        .doesNotContain("secrets", "pods/exec", "pods/attach", "pods/proxy",
            "pods/portforward", "services/proxy", "serviceaccounts/token");
    assertThat(rulesOf("view")).allMatch(r -> Set.of("get", "list", "watch")
        .containsAll(r.verbs()));
  }

  @Test
  void theAggregatedRolesHaveNoRulesOfTheirOwn() {
    for (String name : List.of("admin", "edit", "view")) {
      Role r = POLICY.clusterRole(name).orElseThrow();
      assertThat(r.rules()).as(name).isEmpty();
      assertThat(r.aggregationRule()).as(name).isPresent();
    }
    JsonNode edit = BootstrapPolicy.json().stream()
        .filter(n -> n.at("/metadata/name").asText().equals("edit")).findFirst().orElseThrow();
    assertThat(edit.at("/metadata/labels/rbac.authorization.k8s.io~1aggregate-to-admin")
        .asText()).isEqualTo("true");
    assertThat(edit.at("/aggregationRule/clusterRoleSelectors/0/matchLabels/"
        + "rbac.authorization.k8s.io~1aggregate-to-edit").asText()).isEqualTo("true");
  }
}
