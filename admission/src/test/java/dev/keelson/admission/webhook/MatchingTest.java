package dev.keelson.admission.webhook;

import static dev.keelson.admission.webhook.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.auth.authn.UserInfo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which webhooks a request calls: rules (operations, groups, versions, resources and
 * subresources, scope, matchPolicy), namespaceSelector, objectSelector and matchConditions.
 */
@Timeout(10)
class MatchingTest {
  private static final MapReader READER = new MapReader()
      .put("", "namespaces", "", "prod", json(
          "{\"metadata\": {\"name\": \"prod\", \"labels\": {\"env\": \"prod\"}}}"))
      .put("", "namespaces", "", "dev", json(
          "{\"metadata\": {\"name\": \"dev\", \"labels\": {\"env\": \"dev\", \"team\": \"a\"}}}"));
  /** Compiles "true", "false" and "error" (which fails to evaluate); nothing else. */
  private static final MatchConditionCompiler CONDITIONS = expression -> switch (expression) {
    case "true" -> r -> true;
    case "false" -> r -> false;
    case "error" -> r -> {
      throw new IllegalStateException("no such key: spec");
    };
    default -> throw new IllegalArgumentException("undeclared reference to '" + expression + "'");
  };

  private final Matching matching = new Matching("test", READER);

  private static final AdmissionRequest POD = request(Operation.CREATE, "", "v1", "pods", "",
      "prod", "p", "{\"app\": \"web\"}");
  private static final AdmissionRequest POD_STATUS = request(Operation.UPDATE, "", "v1", "pods",
      "status", "prod", "p", "{\"app\": \"web\"}");
  private static final AdmissionRequest SCALE = request(Operation.UPDATE, "apps", "v1",
      "deployments", "scale", "prod", "d", "{}");
  private static final AdmissionRequest NAMESPACE = request(Operation.CREATE, "", "v1",
      "namespaces", "", "", "staging", "{\"env\": \"prod\"}");
  private static final AdmissionRequest NODE = request(Operation.CREATE, "", "v1", "nodes", "",
      "", "n1", "{}");
  private static final AdmissionRequest CONFIGMAP_DELETE = new AdmissionRequest(Operation.DELETE,
      "", "v1", "ConfigMap", "configmaps", "", "dev", "c", null,
      object("{\"app\": \"db\"}"), UserInfo.ANONYMOUS, false);
  private static final AdmissionRequest WEBHOOK_CONFIG = request(Operation.CREATE,
      "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "", "", "w", "{}");

  private static ObjectNode object(String labels) {
    return json("{\"metadata\": {\"labels\": " + labels + "}}");
  }

  private static AdmissionRequest request(Operation op, String group, String version,
      String resource, String sub, String ns, String name, String labels) {
    return new AdmissionRequest(op, group, version, "Kind", resource, sub, ns, name,
        object(labels), null, UserInfo.ANONYMOUS, false);
  }

  /** A webhook with these fields (JSON members) besides a name and a URL. */
  private static Webhook webhook(String fields) {
    ObjectNode hook = json("{\"name\": \"w\", \"sideEffects\": \"None\", \"clientConfig\": "
        + "{\"url\": \"https://127.0.0.1/\"}, " + fields + "}");
    List<Webhook> parsed = new WebhookConfigs("test", CONDITIONS)
        .parse(List.of(Fixtures.config("c", hook)), true);
    assertThat(parsed).as("webhook %s parses", fields).hasSize(1);
    return parsed.get(0);
  }

  private static String rule(String ops, String groups, String versions, String resources) {
    return "\"rules\": [{\"operations\": [" + ops + "], \"apiGroups\": [" + groups + "], "
        + "\"apiVersions\": [" + versions + "], \"resources\": [" + resources + "]}]";
  }

  private static final String ANY = rule("\"*\"", "\"*\"", "\"*\"", "\"*/*\"");

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("an exact rule", rule("\"CREATE\"", "\"\"", "\"v1\"", "\"pods\""), POD,
            true),
        Arguments.of("another operation", rule("\"UPDATE\"", "\"\"", "\"v1\"", "\"pods\""), POD,
            false),
        Arguments.of("any operation", rule("\"*\"", "\"\"", "\"v1\"", "\"pods\""), POD, true),
        Arguments.of("another group", rule("\"*\"", "\"apps\"", "\"v1\"", "\"pods\""), POD,
            false),
        Arguments.of("a resource without its subresources",
            rule("\"*\"", "\"\"", "\"v1\"", "\"pods\""), POD_STATUS, false),
        Arguments.of("a named subresource", rule("\"*\"", "\"\"", "\"v1\"", "\"pods/status\""),
            POD_STATUS, true),
        Arguments.of("res/* covers the resource", rule("\"*\"", "\"\"", "\"v1\"", "\"pods/*\""),
            POD, true),
        Arguments.of("res/* covers its subresources",
            rule("\"*\"", "\"\"", "\"v1\"", "\"pods/*\""), POD_STATUS, true),
        Arguments.of("* is every resource but no subresource",
            rule("\"*\"", "\"*\"", "\"*\"", "\"*\""), POD_STATUS, false),
        Arguments.of("*/* is everything", ANY, POD_STATUS, true),
        Arguments.of("*/scale is every scale subresource",
            rule("\"*\"", "\"*\"", "\"*\"", "\"*/scale\""), SCALE, true),
        Arguments.of("*/scale is not the pod itself",
            rule("\"*\"", "\"*\"", "\"*\"", "\"*/scale\""), POD, false),
        Arguments.of("another version, matchPolicy Exact",
            rule("\"*\"", "\"\"", "\"v1beta1\"", "\"pods\"") + ", \"matchPolicy\": \"Exact\"",
            POD, false),
        Arguments.of("another version, matchPolicy Equivalent (the default)",
            rule("\"*\"", "\"\"", "\"v1beta1\"", "\"pods\""), POD, true),
        Arguments.of("scope Namespaced, a pod",
            "\"rules\": [{\"operations\": [\"*\"], \"apiGroups\": [\"*\"], \"apiVersions\": "
                + "[\"*\"], \"resources\": [\"*\"], \"scope\": \"Namespaced\"}]", POD, true),
        Arguments.of("scope Namespaced, a node",
            "\"rules\": [{\"operations\": [\"*\"], \"apiGroups\": [\"*\"], \"apiVersions\": "
                + "[\"*\"], \"resources\": [\"*\"], \"scope\": \"Namespaced\"}]", NODE, false),
        Arguments.of("scope Namespaced, a namespace",
            "\"rules\": [{\"operations\": [\"*\"], \"apiGroups\": [\"*\"], \"apiVersions\": "
                + "[\"*\"], \"resources\": [\"*\"], \"scope\": \"Namespaced\"}]", NAMESPACE,
            false),
        Arguments.of("scope Cluster, a namespace",
            "\"rules\": [{\"operations\": [\"*\"], \"apiGroups\": [\"*\"], \"apiVersions\": "
                + "[\"*\"], \"resources\": [\"*\"], \"scope\": \"Cluster\"}]", NAMESPACE, true),
        Arguments.of("scope Cluster, a pod",
            "\"rules\": [{\"operations\": [\"*\"], \"apiGroups\": [\"*\"], \"apiVersions\": "
                + "[\"*\"], \"resources\": [\"*\"], \"scope\": \"Cluster\"}]", POD, false),
        Arguments.of("namespaceSelector on the pod's namespace",
            ANY + ", \"namespaceSelector\": {\"matchLabels\": {\"env\": \"prod\"}}", POD, true),
        Arguments.of("namespaceSelector on another namespace",
            ANY + ", \"namespaceSelector\": {\"matchLabels\": {\"env\": \"prod\"}}",
            CONFIGMAP_DELETE, false),
        Arguments.of("namespaceSelector on a new namespace's own labels",
            ANY + ", \"namespaceSelector\": {\"matchExpressions\": [{\"key\": \"env\", "
                + "\"operator\": \"In\", \"values\": [\"prod\", \"qa\"]}]}", NAMESPACE, true),
        Arguments.of("namespaceSelector NotIn",
            ANY + ", \"namespaceSelector\": {\"matchExpressions\": [{\"key\": \"env\", "
                + "\"operator\": \"NotIn\", \"values\": [\"prod\"]}]}", POD, false),
        Arguments.of("namespaceSelector Exists",
            ANY + ", \"namespaceSelector\": {\"matchExpressions\": [{\"key\": \"team\", "
                + "\"operator\": \"Exists\"}]}", CONFIGMAP_DELETE, true),
        Arguments.of("namespaceSelector DoesNotExist",
            ANY + ", \"namespaceSelector\": {\"matchExpressions\": [{\"key\": \"team\", "
                + "\"operator\": \"DoesNotExist\"}]}", CONFIGMAP_DELETE, false),
        Arguments.of("namespaceSelector, a cluster-scoped object",
            ANY + ", \"namespaceSelector\": {\"matchLabels\": {\"env\": \"nowhere\"}}", NODE,
            true),
        Arguments.of("objectSelector on the object",
            ANY + ", \"objectSelector\": {\"matchLabels\": {\"app\": \"web\"}}", POD, true),
        Arguments.of("objectSelector on the old object of a delete",
            ANY + ", \"objectSelector\": {\"matchLabels\": {\"app\": \"db\"}}", CONFIGMAP_DELETE,
            true),
        Arguments.of("objectSelector on neither",
            ANY + ", \"objectSelector\": {\"matchLabels\": {\"app\": \"web\"}}",
            CONFIGMAP_DELETE, false),
        Arguments.of("the webhook configurations themselves", ANY, WEBHOOK_CONFIG, false),
        Arguments.of("match conditions all true", ANY + ", \"matchConditions\": ["
            + "{\"name\": \"a\", \"expression\": \"true\"}]", POD, true),
        Arguments.of("a false match condition", ANY + ", \"matchConditions\": ["
            + "{\"name\": \"a\", \"expression\": \"true\"}, "
            + "{\"name\": \"b\", \"expression\": \"false\"}]", POD, false),
        Arguments.of("a false match condition wins over an error", ANY + ", \"matchConditions\": "
            + "[{\"name\": \"a\", \"expression\": \"error\"}, "
            + "{\"name\": \"b\", \"expression\": \"false\"}]", POD, false),
        Arguments.of("a match condition error, failurePolicy Ignore", ANY
            + ", \"failurePolicy\": \"Ignore\", \"matchConditions\": ["
            + "{\"name\": \"a\", \"expression\": \"error\"}]", POD, false));
  }

  @ParameterizedTest(name = "{0}: {3}")
  @MethodSource("table")
  void aWebhookIsCalledExactlyWhenItsRulesAndSelectorsMatch(String description, String fields,
      AdmissionRequest r, boolean called) {
    assertThat(matching.shouldCall(webhook(fields), r)).isEqualTo(called);
  }

  @Test
  void aNamespaceSelectorOnAMissingNamespaceIsNotFound() {
    AdmissionRequest r = request(Operation.CREATE, "", "v1", "pods", "", "gone", "p", "{}");
    Webhook w = webhook(ANY + ", \"namespaceSelector\": {\"matchLabels\": {\"env\": \"prod\"}}");

    assertThatThrownBy(() -> matching.shouldCall(w, r))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.getMessage()).isEqualTo("namespaces \"gone\" not found");
        });
  }

  @Test
  void aMatchConditionErrorRefusesWhenTheFailurePolicyIsFail() {
    Webhook w = webhook(ANY + ", \"matchConditions\": [{\"name\": \"has-spec\", "
        + "\"expression\": \"error\"}]");

    assertThatThrownBy(() -> matching.shouldCall(w, POD))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).isEqualTo("pods \"p\" is forbidden: failed evaluating "
              + "match conditions of webhook \"w\": expression 'has-spec' resulted in error: "
              + "no such key: spec");
        });
  }

  @Test
  void aWebhookWhoseMatchConditionDoesNotCompileIsSkipped() {
    ObjectNode good = json("{\"name\": \"good\", \"clientConfig\": {\"url\": \"https://a/\"}}");
    ObjectNode bad = json("{\"name\": \"bad\", \"clientConfig\": {\"url\": \"https://a/\"}, "
        + "\"matchConditions\": [{\"name\": \"x\", \"expression\": \"object.foo\"}]}");

    List<Webhook> parsed = new WebhookConfigs("test", CONDITIONS)
        .parse(List.of(Fixtures.config("c", bad, good)), false);

    assertThat(parsed).extracting(Webhook::name).containsExactly("good");
  }
}
