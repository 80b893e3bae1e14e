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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rules, label selectors and their combination, as admissionregistration/v1 defines them for
 * both users: every row of the table is read once as a webhook (rules, selectors, matchPolicy
 * on the webhook) and once as a policy's matchConstraints (resourceRules), and both must agree.
 */
@Timeout(10)
class MatchResourcesTest {
  private static final Map<String, ObjectNode> NAMESPACES = Map.of(
      "prod", json("{'metadata': {'name': 'prod', 'labels': {'env': 'prod'}}}"),
      "dev", json("{'metadata': {'name': 'dev', 'labels': {'env': 'dev', 'team': 'a'}}}"));
  private static final MatchResources.NamespaceLookup LOOKUP =
      name -> Optional.ofNullable(NAMESPACES.get(name));

  private static final AdmissionRequest POD = request(Operation.CREATE, "", "v1", "pods", "",
      "prod", "p", "{'app': 'web'}");
  private static final AdmissionRequest POD_STATUS = request(Operation.UPDATE, "", "v1", "pods",
      "status", "prod", "p", "{'app': 'web'}");
  private static final AdmissionRequest SCALE = request(Operation.UPDATE, "apps", "v1",
      "deployments", "scale", "prod", "d", "{}");
  private static final AdmissionRequest NAMESPACE = request(Operation.CREATE, "", "v1",
      "namespaces", "", "", "staging", "{'env': 'prod'}");
  private static final AdmissionRequest NAMESPACE_DELETE = new AdmissionRequest(
      Operation.DELETE, "", "v1", "Namespace", "namespaces", "", "", "gone", null,
      object("{'env': 'prod'}"), UserInfo.ANONYMOUS, false);
  private static final AdmissionRequest NODE = request(Operation.CREATE, "", "v1", "nodes", "",
      "", "n1", "{}");
  private static final AdmissionRequest CONFIGMAP_DELETE = new AdmissionRequest(Operation.DELETE,
      "", "v1", "ConfigMap", "configmaps", "", "dev", "c", null,
      object("{'app': 'db'}"), UserInfo.ANONYMOUS, false);
  private static final AdmissionRequest WEBHOOK_CONFIG = request(Operation.CREATE,
      "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "", "", "w", "{}");

  private static ObjectNode object(String labels) {
    return json("{'metadata': {'labels': " + labels + "}}");
  }

  private static AdmissionRequest request(Operation op, String group, String version,
      String resource, String sub, String ns, String name, String labels) {
    return new AdmissionRequest(op, group, version, "Kind", resource, sub, ns, name,
        object(labels), null, UserInfo.ANONYMOUS, false);
  }

  /** One rule as a JSON list of one. */
  private static String rule(String ops, String groups, String versions, String resources) {
    return "[{'operations': [" + ops + "], 'apiGroups': [" + groups + "], 'apiVersions': ["
        + versions + "], 'resources': [" + resources + "]}]";
  }

  private static String scoped(String scope) {
    return "[{'operations': ['*'], 'apiGroups': ['*'], 'apiVersions': ['*'], "
        + "'resources': ['*'], 'scope': '" + scope + "'}]";
  }

  private static final String ANY = rule("'*'", "'*'", "'*'", "'*/*'");

  private static String namespaceSelector(String selector) {
    return "'namespaceSelector': " + selector;
  }

  private static String objectSelector(String selector) {
    return "'objectSelector': " + selector;
  }

  private static String labels(String key, String value) {
    return "{'matchLabels': {'" + key + "': '" + value + "'}}";
  }

  /** A selector of one requirement; without values, the requirement has none. */
  private static String expression(String key, String operator, String... values) {
    String list = values.length == 0 ? ""
        : ", 'values': ['" + String.join("', '", values) + "']";
    return "{'matchExpressions': [{'key': '" + key + "', 'operator': '" + operator + "'" + list
        + "}]}";
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("an exact rule", rule("'CREATE'", "''", "'v1'", "'pods'"), "", POD, true),
        Arguments.of("another operation", rule("'UPDATE'", "''", "'v1'", "'pods'"), "", POD,
            false),
        Arguments.of("any operation", rule("'*'", "''", "'v1'", "'pods'"), "", POD, true),
        Arguments.of("another group", rule("'*'", "'apps'", "'v1'", "'pods'"), "", POD, false),
        Arguments.of("a resource without its subresources",
            rule("'*'", "''", "'v1'", "'pods'"), "", POD_STATUS, false),
        Arguments.of("a named subresource", rule("'*'", "''", "'v1'", "'pods/status'"), "",
            POD_STATUS, true),
        Arguments.of("res/* covers the resource", rule("'*'", "''", "'v1'", "'pods/*'"), "",
            POD, true),
        Arguments.of("res/* covers its subresources", rule("'*'", "''", "'v1'", "'pods/*'"), "",
            POD_STATUS, true),
        Arguments.of("* is every resource but no subresource",
            rule("'*'", "'*'", "'*'", "'*'"), "", POD_STATUS, false),
        Arguments.of("*/* is everything", ANY, "", POD_STATUS, true),
        Arguments.of("*/scale is every scale subresource", rule("'*'", "'*'", "'*'", "'*/scale'"),
            "", SCALE, true),
        Arguments.of("*/scale is not the pod itself", rule("'*'", "'*'", "'*'", "'*/scale'"), "",
            POD, false),
        Arguments.of("another version, matchPolicy Exact",
            rule("'*'", "''", "'v1beta1'", "'pods'"), "'matchPolicy': 'Exact'", POD, false),
        Arguments.of("another version, matchPolicy Equivalent (the default)",
            rule("'*'", "''", "'v1beta1'", "'pods'"), "", POD, true),
        Arguments.of("scope Namespaced, a pod", scoped("Namespaced"), "", POD, true),
        Arguments.of("scope Namespaced, a node", scoped("Namespaced"), "", NODE, false),
        Arguments.of("scope Namespaced, a namespace", scoped("Namespaced"), "", NAMESPACE, false),
        Arguments.of("scope Cluster, a namespace", scoped("Cluster"), "", NAMESPACE, true),
        Arguments.of("scope Cluster, a pod", scoped("Cluster"), "", POD, false),
        Arguments.of("namespaceSelector on the pod's namespace", ANY,
            namespaceSelector(labels("env", "prod")), POD, true),
        Arguments.of("namespaceSelector on another namespace", ANY,
            namespaceSelector(labels("env", "prod")), CONFIGMAP_DELETE, false),
        Arguments.of("namespaceSelector on a new namespace's own labels", ANY,
            namespaceSelector(expression("env", "In", "prod", "qa")), NAMESPACE, true),
        Arguments.of("namespaceSelector on a deleted namespace's old labels", ANY,
            namespaceSelector(labels("env", "prod")), NAMESPACE_DELETE, true),
        Arguments.of("namespaceSelector NotIn", ANY,
            namespaceSelector(expression("env", "NotIn", "prod")), POD, false),
        Arguments.of("namespaceSelector Exists", ANY,
            namespaceSelector(expression("team", "Exists")), CONFIGMAP_DELETE, true),
        Arguments.of("namespaceSelector DoesNotExist", ANY,
            namespaceSelector(expression("team", "DoesNotExist")), CONFIGMAP_DELETE, false),
        Arguments.of("namespaceSelector, a cluster-scoped object", ANY,
            namespaceSelector(labels("env", "nowhere")), NODE, true),
        Arguments.of("objectSelector on the object", ANY,
            objectSelector(labels("app", "web")), POD, true),
        Arguments.of("objectSelector on the old object of a delete", ANY,
            objectSelector(labels("app", "db")), CONFIGMAP_DELETE, true),
        Arguments.of("objectSelector on neither", ANY,
            objectSelector(labels("app", "web")), CONFIGMAP_DELETE, false),
        Arguments.of("the webhook configurations themselves", ANY, "", WEBHOOK_CONFIG, false));
  }

  @ParameterizedTest(name = "{0}: {4}")
  @MethodSource("table")
  void webhooksAndPoliciesMatchExactlyWhenRulesAndSelectorsDo(String description, String rules,
      String fields, AdmissionRequest r, boolean matches) throws Exception {
    String extra = fields.isEmpty() ? "" : ", " + fields;
    MatchResources webhook = MatchResources.ofWebhook(json("{'rules': " + rules + extra + "}"));
    MatchResources policy = MatchResources.parse(json("{'resourceRules': " + rules + extra
        + "}"));

    assertThat(webhook.matches(r, LOOKUP)).as("as a webhook").isEqualTo(matches);
    assertThat(policy.matches(r, LOOKUP)).as("as a policy").isEqualTo(matches);
  }

  @Test
  void aWebhookWithoutRulesMatchesNothingButAPolicyWithoutRulesEverything() throws Exception {
    assertThat(MatchResources.ofWebhook(json("{}")).matches(POD, LOOKUP)).isFalse();
    assertThat(MatchResources.parse(json("{}")).matches(POD, LOOKUP)).isTrue();
    assertThat(MatchResources.parse(null).matches(POD_STATUS, LOOKUP)).isTrue();
  }

  @Test
  void excludedRulesAndResourceNamesNarrowAPolicy() throws Exception {
    MatchResources m = MatchResources.parse(json("{'resourceRules': " + ANY + ", "
        + "'excludeResourceRules': [{'operations': ['*'], 'apiGroups': [''], 'apiVersions': "
        + "['*'], 'resources': ['pods/status']}]}"));
    assertThat(m.matches(POD, LOOKUP)).isTrue();
    assertThat(m.matches(POD_STATUS, LOOKUP)).isFalse();

    MatchResources named = MatchResources.parse(json("{'resourceRules': [{'operations': ['*'], "
        + "'apiGroups': [''], 'apiVersions': ['v1'], 'resources': ['pods'], "
        + "'resourceNames': ['p', 'q']}]}"));
    assertThat(named.matches(POD, LOOKUP)).isTrue();
    assertThat(named.matches(request(Operation.CREATE, "", "v1", "pods", "", "prod", "other",
        "{}"), LOOKUP)).isFalse();
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
    assertThat(LabelSelectors.parse(json(selector), "selector").matches(set))
        .isEqualTo(matches);
  }

  static Stream<Arguments> invalidSelectors() {
    return Stream.of(
        Arguments.of("an unknown operator", expression("env", "Near", "x")),
        Arguments.of("In without values", expression("env", "In")),
        Arguments.of("Exists with values", expression("env", "Exists", "x")),
        Arguments.of("no key", "{'matchExpressions': [{'operator': 'Exists'}]}"),
        Arguments.of("a label value that is a number", "{'matchLabels': {'env': 1}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSelectors")
  void anInvalidSelectorIsRefusedNamingItsField(String description, String selector) {
    assertThatThrownBy(() -> LabelSelectors.parse(json(selector), "objectSelector"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("objectSelector.");
  }

  @Test
  void anInvalidRuleIsRefusedNamingItsField() {
    assertThatThrownBy(() -> MatchResources.ofWebhook(json("{'rules': [{'operations': ['*'], "
        + "'apiGroups': ['*'], 'apiVersions': ['*'], 'resources': ['*'], 'scope': 'Galaxy'}]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rules[0].scope: Unsupported value: \"Galaxy\"");
    assertThatThrownBy(() -> MatchResources.parse(json("{'resourceRules': [{'resources': "
        + "'pods'}]}"))).hasMessage("resourceRules[0].resources: must be a list");
    assertThatThrownBy(() -> MatchResources.parse(json("{'matchPolicy': 'Roughly'}")))
        .hasMessage("matchPolicy: Unsupported value: \"Roughly\"");
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
    AdmissionRequest pod = new AdmissionRequest(Operation.CREATE, "", "v1", "Pod", "pods", sub,
        "ns", "p", json("{}"), null, UserInfo.ANONYMOUS, false);
    assertThat(rule.matches(pod, false)).isEqualTo(match);
  }

  @Test
  void aNamespaceSelectorReadsTheRequestsNamespaceAndExemptsNothingClusterScoped()
      throws Exception {
    MatchResources m = MatchResources.parse(json(
        "{'namespaceSelector':{'matchLabels':{'env':'prod'}}}"));
    assertThat(m.matches(POD, LOOKUP)).isTrue();
    assertThat(m.matches(NODE, LOOKUP)).isTrue();
    // a Namespace being created is judged by its own labels
    AdmissionRequest ns = new AdmissionRequest(Operation.CREATE, "", "v1", "Namespace",
        "namespaces", "", "", "new", json("{'metadata':{'labels':{'env':'dev'}}}"), null,
        UserInfo.ANONYMOUS, false);
    assertThat(m.matches(ns, LOOKUP)).isFalse();
  }

  @Test
  void aMissingNamespaceIsAnErrorOnlyWhereEverythingElseMatches() throws Exception {
    MatchResources m = MatchResources.ofWebhook(json("{'rules': "
        + rule("'CREATE'", "''", "'v1'", "'pods'") + ", "
        + "'namespaceSelector': {'matchLabels': {'env': 'prod'}}}"));
    AdmissionRequest inGone = request(Operation.CREATE, "", "v1", "pods", "", "gone", "p", "{}");
    AdmissionRequest updateInGone = request(Operation.UPDATE, "", "v1", "pods", "", "gone", "p",
        "{}");

    assertThatThrownBy(() -> m.matches(inGone, LOOKUP))
        .isInstanceOf(MatchResources.MatchException.class)
        .hasMessage("namespaces \"gone\" not found");
    assertThat(m.matches(updateInGone, LOOKUP)).as("the rules do not match").isFalse();
  }
}
