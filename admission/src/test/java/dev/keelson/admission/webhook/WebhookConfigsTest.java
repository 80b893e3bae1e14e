package dev.keelson.admission.webhook;

import static dev.keelson.admission.webhook.Fixtures.config;
import static dev.keelson.admission.webhook.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.match.MatchResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading stored configurations: order, defaults, and what is skipped. */
@Timeout(10)
class WebhookConfigsTest {
  private final WebhookConfigs configs = new WebhookConfigs("test", Fixtures.CEL);

  private static ObjectNode hook(String name, String extra) {
    return json("{\"name\": \"" + name + "\", \"clientConfig\": {\"url\": "
        + "\"https://hooks.example.com/" + name + "\"}" + extra + "}");
  }

  @Test
  void webhooksAreInConfigurationNameOrderThenInTheirOrder() {
    List<Webhook> parsed = configs.parse(List.of(
        config("zeta", hook("z1", ""), hook("z2", "")),
        config("alpha", hook("a2", ""), hook("a1", ""))), true);

    assertThat(parsed).extracting(Webhook::name).containsExactly("a2", "a1", "z1", "z2");
    assertThat(parsed).extracting(Webhook::uid).doesNotHaveDuplicates();
  }

  @Test
  void omittedFieldsTakeTheV1Defaults() {
    Webhook w = configs.parse(List.of(config("c", hook("w", ""))), true).get(0);

    assertThat(w.failOpen()).isFalse();
    assertThat(w.match().matchPolicy()).isEqualTo(MatchResources.MatchPolicy.EQUIVALENT);
    assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(w.safeOnDryRun()).isFalse();
    assertThat(w.reinvokeIfNeeded()).isFalse();
    assertThat(w.match().namespaceSelector().matches(Map.of())).isTrue();
    assertThat(w.match().objectSelector().matches(Map.of())).isTrue();
    assertThat(w.match().resourceRules()).isEmpty();
    assertThat(w.conditions().isEmpty()).isTrue();
  }

  @Test
  void aCaBundleIsDecodedToItsPem() {
    Webhook w = configs.parse(List.of(config("c", hook("w", ", \"clientConfig\": {\"url\": "
        + "\"https://h/\", \"caBundle\": \"" + Fixtures.caBundle(Fixtures.CA) + "\"}"))),
        false).get(0);

    assertThat(w.client().caBundle()).isEqualTo(Fixtures.CA.certificatePem());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("no name", json("{\"clientConfig\": {\"url\": \"https://h/\"}}")),
        Arguments.of("no clientConfig", json("{\"name\": \"bad\"}")),
        Arguments.of("a plain http url", json("{\"name\": \"bad\", \"clientConfig\": "
            + "{\"url\": \"http://h/\"}}")),
        Arguments.of("both url and service", json("{\"name\": \"bad\", \"clientConfig\": "
            + "{\"url\": \"https://h/\", \"service\": {\"namespace\": \"n\", \"name\": \"s\"}}}")),
        Arguments.of("a caBundle that is not base64", hook("bad", ", \"clientConfig\": "
            + "{\"url\": \"https://h/\", \"caBundle\": \"%%%\"}")),
        Arguments.of("a timeout over 30 seconds", hook("bad", ", \"timeoutSeconds\": 31")),
        Arguments.of("an unknown failurePolicy", hook("bad", ", \"failurePolicy\": \"Maybe\"")),
        Arguments.of("an unknown scope", hook("bad", ", \"rules\": [{\"operations\": [\"*\"], "
            + "\"apiGroups\": [\"*\"], \"apiVersions\": [\"*\"], \"resources\": [\"*\"], "
            + "\"scope\": \"Galaxy\"}]")),
        Arguments.of("a selector with a bad operator", hook("bad", ", \"objectSelector\": "
            + "{\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"Near\"}]}")),
        Arguments.of("only v1beta1 reviews", hook("bad",
            ", \"admissionReviewVersions\": [\"v1beta1\"]")),
        Arguments.of("an unknown matchPolicy", hook("bad", ", \"matchPolicy\": \"Roughly\"")),
        Arguments.of("matchConditions that are not a list", hook("bad",
            ", \"matchConditions\": {\"name\": \"a\", \"expression\": \"true\"}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedWebhookIsSkippedAndTheOthersKept(String description, ObjectNode bad) {
    List<Webhook> parsed = configs.parse(List.of(config("c", hook("before", ""), bad,
        hook("after", ""))), true);

    assertThat(parsed).extracting(Webhook::name).containsExactly("before", "after");
  }

  @Test
  void aConfigurationWithoutANameIsSkipped() {
    ObjectNode nameless = config("x", hook("w", ""));
    nameless.remove("metadata");

    assertThat(configs.parse(List.of(nameless, config("c", hook("kept", ""))), false))
        .extracting(Webhook::name).containsExactly("kept");
  }
}
