package dev.keelson.admission.match;

import static dev.keelson.admission.InMemoryObjects.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.auth.authn.UserInfo;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label selectors and resource rules, as admissionregistration/v1 defines them. */
@Timeout(10)
class MatchResourcesTest {
  private static AdmissionRequest pod(Operation op, String subresource, String namespace,
      ObjectNode object) {
    return new AdmissionRequest(op, "", "v1", "Pod", "pods", subresource, namespace, "p",
        object, null, UserInfo.ANONYMOUS, false);
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "{'matchLabels':{'env':'prod'}}                                          | env=prod | true",
      "{'matchLabels':{'env':'prod'}}                                          | env=dev  | false",
      "{'matchExpressions':[{'key':'env','operator':'In','values':['a','prod']}]} | env=prod | true",
      "{'matchExpressions':[{'key':'env','operator':'NotIn','values':['prod']}]}  | ''       | true",
      "{'matchExpressions':[{'key':'env','operator':'NotIn','values':['prod']}]}  | env=prod | false",
      "{'matchExpressions':[{'key':'env','operator':'Exists'}]}                  | env=x    | true",
      "{'matchExpressions':[{'key':'env','operator':'DoesNotExist'}]}            | env=x    | false",
      "{}                                                                       | ''       | true",
  })
  void labelSelectorsMatchAsKubernetes(String selector, String labels, boolean matches) {
    Map<String, String> set = labels.isEmpty() ? Map.of()
        : Map.of(labels.split("=")[0], labels.split("=")[1]);
    assertThat(LabelSelector.parse(json(selector)).matches(set)).isEqualTo(matches);
  }

  @Test
  void anInvalidSelectorIsRefused() {
    assertThatThrownBy(() -> LabelSelector.parse(json(
        "{'matchExpressions':[{'key':'env','operator':'Near','values':['x']}]}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LabelSelector.parse(json(
        "{'matchExpressions':[{'key':'env','operator':'In'}]}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} matches pods/{1}: {2}")
  @CsvSource({
      "pods, '', true", "pods, status, false", "pods/status, status, true",
      "pods/*, status, true", "pods/*, '', true", "*, '', true", "*, status, false",
      "*/status, status, true", "*/*, exec, true", "deployments, '', false",
  })
  void resourcesMatchMainResourcesAndSubresources(String resource, String sub, boolean match) {
    ResourceRule rule = ResourceRule.parse(json("{'operations':['*'],'apiGroups':[''],"
        + "'apiVersions':['v1'],'resources':['" + resource + "']}"));
    assertThat(rule.matches(pod(Operation.CREATE, sub, "ns", json("{}")))).isEqualTo(match);
  }

  @Test
  void aNamespaceSelectorReadsTheRequestsNamespaceAndExemptsNothingClusterScoped()
      throws Exception {
    MatchResources m = MatchResources.parse(json(
        "{'namespaceSelector':{'matchLabels':{'env':'prod'}}}"));
    MatchResources.NamespaceLookup namespaces = name -> name.equals("prod-ns")
        ? Optional.of(json("{'metadata':{'name':'prod-ns','labels':{'env':'prod'}}}"))
        : Optional.empty();
    assertThat(m.matches(pod(Operation.CREATE, "", "prod-ns", json("{}")), namespaces))
        .isTrue();
    AdmissionRequest node = new AdmissionRequest(Operation.CREATE, "", "v1", "Node", "nodes",
        "", "", "n1", json("{}"), null, UserInfo.ANONYMOUS, false);
    assertThat(m.matches(node, namespaces)).isTrue();
    // a Namespace being created is judged by its own labels
    AdmissionRequest ns = new AdmissionRequest(Operation.CREATE, "", "v1", "Namespace",
        "namespaces", "", "", "new", json("{'metadata':{'labels':{'env':'dev'}}}"), null,
        UserInfo.ANONYMOUS, false);
    assertThat(m.matches(ns, namespaces)).isFalse();
    assertThatThrownBy(() -> m.matches(pod(Operation.CREATE, "", "gone", json("{}")),
        namespaces)).isInstanceOf(MatchResources.MatchException.class)
        .hasMessage("namespaces \"gone\" not found");
  }
}
