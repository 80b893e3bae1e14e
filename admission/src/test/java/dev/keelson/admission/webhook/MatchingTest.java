package dev.keelson.admission.webhook;

import dev.keelson.admission.InMemoryObjects;
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
 * Which webhooks a request calls, beyond what {@code match.MatchResourcesTest} covers for
 * rules and selectors: the webhook's matchConditions on real CEL, and how a failure to decide
 * refuses the request.
 */
@Timeout(10)
class MatchingTest {
  private static final InMemoryObjects READER = new InMemoryObjects()
      .put("", "namespaces", "", "prod", json(
          "{\"metadata\": {\"name\": \"prod\", \"labels\": {\"env\": \"prod\"}}}"));

  private final Matching matching = new Matching("test", READER, Fixtures.CEL);

  private static final AdmissionRequest POD = new AdmissionRequest(Operation.CREATE, "", "v1",
      "Pod", "pods", "", "prod", "p", json("{\"metadata\": {\"name\": \"p\", \"labels\": "
          + "{\"app\": \"web\"}}}"), null, UserInfo.ANONYMOUS, false);

  /** A webhook with these fields (JSON members) besides a name and a URL. */
  private static Webhook webhook(String fields) {
    ObjectNode hook = json("{\"name\": \"w\", \"sideEffects\": \"None\", \"clientConfig\": "
        + "{\"url\": \"https://127.0.0.1/\"}, " + fields + "}");
    List<Webhook> parsed = new WebhookConfigs("test", Fixtures.CEL)
        .parse(List.of(Fixtures.config("c", hook)), true);
    assertThat(parsed).as("webhook %s parses", fields).hasSize(1);
    return parsed.get(0);
  }

  private static final String ANY = "\"rules\": [{\"operations\": [\"*\"], \"apiGroups\": "
      + "[\"*\"], \"apiVersions\": [\"*\"], \"resources\": [\"*/*\"]}]";
  /** Fails to evaluate on a pod: it has no spec. */
  private static final String ERROR = "object.spec.replicas > 0";

  private static String conditions(String... nameExpression) {
    StringBuilder s = new StringBuilder(", \"matchConditions\": [");
    for (int i = 0; i < nameExpression.length; i += 2) {
      s.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(nameExpression[i])
          .append("\", \"expression\": \"").append(nameExpression[i + 1]).append("\"}");
    }
    return s.append("]").toString();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("match conditions all true", ANY + conditions("a", "true",
            "b", "object.metadata.labels.app == 'web'"), true),
        Arguments.of("a false match condition", ANY + conditions("a", "true",
            "b", "object.metadata.name != 'p'"), false),
        Arguments.of("a false match condition wins over an error", ANY + conditions("a", ERROR,
            "b", "false"), false),
        Arguments.of("a false match condition wins over a compile error", ANY
            + conditions("a", "object.metadata.(", "b", "false"), false),
        Arguments.of("a match condition error, failurePolicy Ignore", ANY
            + ", \"failurePolicy\": \"Ignore\"" + conditions("a", ERROR), false),
        Arguments.of("a compile error, failurePolicy Ignore", ANY
            + ", \"failurePolicy\": \"Ignore\"" + conditions("a", "object.metadata.("), false),
        Arguments.of("rules that do not match, whatever the conditions",
            "\"rules\": [{\"operations\": [\"DELETE\"], \"apiGroups\": [\"*\"], \"apiVersions\": "
                + "[\"*\"], \"resources\": [\"*\"]}]" + conditions("a", "true"), false));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("table")
  void aWebhookIsCalledExactlyWhenItsRulesAndConditionsMatch(String description, String fields,
      boolean called) {
    assertThat(matching.shouldCall(webhook(fields), POD)).isEqualTo(called);
  }

  @Test
  void aNamespaceSelectorOnAMissingNamespaceIsNotFound() {
    AdmissionRequest r = new AdmissionRequest(Operation.CREATE, "", "v1", "Pod", "pods", "",
        "gone", "p", json("{}"), null, UserInfo.ANONYMOUS, false);
    Webhook w = webhook(ANY + ", \"namespaceSelector\": {\"matchLabels\": {\"env\": \"prod\"}}");

    assertThatThrownBy(() -> matching.shouldCall(w, r))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.reason()).isEqualTo("NotFound");
          assertThat(e.getMessage()).isEqualTo("namespaces \"gone\" not found");
        });
  }

  @Test
  void aMatchConditionErrorRefusesWhenTheFailurePolicyIsFail() {
    Webhook w = webhook(ANY + conditions("has-spec", ERROR));

    assertThatThrownBy(() -> matching.shouldCall(w, POD))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).startsWith("pods \"p\" is forbidden: failed evaluating "
              + "match conditions of webhook \"w\": expression '" + ERROR + "' resulted in "
              + "error: ");
        });
  }

  @Test
  void aMatchConditionThatDoesNotCompileRefusesWhenTheFailurePolicyIsFail() {
    ObjectNode bad = json("{\"name\": \"bad\", \"clientConfig\": {\"url\": \"https://a/\"}, "
        + ANY + conditions("x", "object.metadata.(") + "}");
    ObjectNode good = json("{\"name\": \"good\", \"clientConfig\": {\"url\": \"https://a/\"}}");

    List<Webhook> parsed = new WebhookConfigs("test", Fixtures.CEL)
        .parse(List.of(Fixtures.config("c", bad, good)), false);

    assertThat(parsed).as("kept, as a policy with such a condition is")
        .extracting(Webhook::name).containsExactly("bad", "good");
    assertThat(parsed.get(0).conditions().compileErrors()).hasSize(1);
    assertThatThrownBy(() -> matching.shouldCall(parsed.get(0), POD))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).startsWith("pods \"p\" is forbidden: failed evaluating "
              + "match conditions of webhook \"bad\": compilation error: ");
        });
  }
}
