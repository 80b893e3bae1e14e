package dev.keelson.admission.webhook;

import dev.keelson.admission.InMemoryObjects;
import static dev.keelson.admission.webhook.Fixtures.config;
import static dev.keelson.admission.webhook.Fixtures.createConfigMap;
import static dev.keelson.admission.webhook.Fixtures.hook;
import static dev.keelson.admission.webhook.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Webhooks called over real HTTPS: what they are sent, and what their answers do. */
@Timeout(60)
class WebhooksTest {
  private static WebhookServer server;
  /** Serves a certificate of a CA the webhooks do not trust. */
  private static WebhookServer untrusted;

  private final InMemoryObjects reader = new InMemoryObjects();
  private final Webhooks webhooks = new Webhooks("test", reader, Fixtures.CEL);

  @BeforeAll
  static void startServers() throws Exception {
    server = new WebhookServer(Fixtures.serverCert(Fixtures.CA));
    untrusted = new WebhookServer(Fixtures.serverCert(Fixtures.OTHER_CA));
  }

  @AfterAll
  static void stopServers() {
    server.close();
    untrusted.close();
  }

  private void mutating(ObjectNode... hooks) {
    webhooks.update(List.of(config("m", hooks)), List.of());
  }

  private void validating(ObjectNode... hooks) {
    webhooks.update(List.of(), List.of(config("v", hooks)));
  }

  /** A refusal with {@code code} whose message starts with {@code prefix}. */
  private static Consumer<AdmissionException> refusalStartingWith(int code, String prefix) {
    return e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).startsWith(prefix);
    };
  }

  private static Consumer<AdmissionException> refusal(int code, String reason, String message) {
    return e -> {
      assertThat(e.getMessage()).isEqualTo(message);
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.reason()).isEqualTo(reason);
    };
  }

  @Test
  void aMutatingWebhookAddsALabelWithAJsonPatch() {
    server.respond("/label", review -> WebhookServer.patch(review,
        "[{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"blue\"}]"));
    mutating(hook("label.example.com", server.url("/label")));
    AdmissionRequest r = createConfigMap("c1", false);
    JsonNode metadataBefore = r.object().get("metadata");

    webhooks.admit(r);

    assertThat(r.object().path("metadata").path("labels").path("team").asText())
        .isEqualTo("blue");
    assertThat(r.object().get("metadata")).as("the registry holds metadata; it is patched in "
        + "place").isSameAs(metadataBefore);
  }

  @Test
  void theWebhookIsSentAnAdmissionReviewOfTheRequest() {
    server.respond("/review", WebhookServer::allow);
    validating(hook("review.example.com", server.url("/review")));

    webhooks.validate(createConfigMap("c2", false));

    JsonNode q = server.received("/review").get(0).path("request");
    assertThat(server.received("/review").get(0).path("apiVersion").asText())
        .isEqualTo("admission.k8s.io/v1");
    assertThat(q.path("uid").asText()).hasSize(36);
    assertThat(q.path("kind")).isEqualTo(json(
        "{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"}"));
    assertThat(q.path("resource")).isEqualTo(json(
        "{\"group\":\"\",\"version\":\"v1\",\"resource\":\"configmaps\"}"));
    assertThat(q.path("requestResource")).isEqualTo(q.path("resource"));
    assertThat(q.has("subResource")).isFalse();
    assertThat(q.path("name").asText()).isEqualTo("c2");
    assertThat(q.path("namespace").asText()).isEqualTo("ns");
    assertThat(q.path("operation").asText()).isEqualTo("CREATE");
    assertThat(q.path("userInfo")).isEqualTo(json("""
        {"username": "alice", "uid": "u-1", "groups": ["dev", "system:authenticated"],
         "extra": {"scopes": ["a", "b"]}}"""));
    assertThat(q.path("object").path("data").path("k").asText()).isEqualTo("v");
    assertThat(q.path("oldObject").isNull()).isTrue();
    assertThat(q.path("dryRun").asBoolean(true)).isFalse();
    assertThat(q.path("options")).isEqualTo(json(
        "{\"kind\":\"CreateOptions\",\"apiVersion\":\"meta.k8s.io/v1\"}"));
  }

  @Test
  void aValidatingDenialRefusesWithTheWebhooksCodeAndMessage() {
    server.respond("/deny", review -> WebhookServer.deny(review, 422, "no configmaps today"));
    validating(hook("deny.example.com", server.url("/deny")));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c3", false)))
        .isInstanceOfSatisfying(AdmissionException.class, refusal(422, "Invalid",
            "admission webhook \"deny.example.com\" denied the request: no configmaps today"));
  }

  @Test
  void aDenialWithoutCodeOrMessageIsForbiddenWithoutExplanation() {
    server.respond("/deny-bare", review -> WebhookServer.deny(review, 0, ""));
    validating(hook("bare.example.com", server.url("/deny-bare")));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c4", false)))
        .isInstanceOfSatisfying(AdmissionException.class, refusal(403, "Forbidden",
            "admission webhook \"bare.example.com\" denied the request without explanation"));
  }

  @Test
  void warningsOfEveryWebhookReachTheClient() {
    server.respond("/warn", review -> {
      ObjectNode answer = WebhookServer.allow(review);
      ((ObjectNode) answer.get("response")).putArray("warnings").add("deprecated field k");
      return answer;
    });
    validating(hook("warn.example.com", server.url("/warn")));
    AdmissionRequest r = createConfigMap("c5", false);

    webhooks.validate(r);

    assertThat(r.effects().warnings()).containsExactly("deprecated field k");
  }

  @Test
  void aWebhookThatIsDownRefusesWhenItsFailurePolicyIsFail() throws IOException {
    URI down = downUrl();
    validating(hook("down.example.com", down));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c6", false)))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.reason()).isEqualTo("InternalError");
          assertThat(e.getMessage()).startsWith("Internal error occurred: failed calling webhook "
              + "\"down.example.com\": failed to call webhook: Post \"" + down
              + "?timeout=10s\": connect: connection refused");
        });
  }

  @Test
  void aWebhookThatIsDownIsPassedOverWhenItsFailurePolicyIsIgnore() throws IOException {
    ObjectNode hook = hook("down.example.com", downUrl()).put("failurePolicy", "Ignore");
    webhooks.update(List.of(config("m", hook)), List.of(config("v", hook)));
    AdmissionRequest r = createConfigMap("c7", false);
    ObjectNode before = r.object().deepCopy();

    webhooks.admit(r);
    webhooks.validate(r);

    assertThat(r.object()).isEqualTo(before);
  }

  @Test
  void aSlowWebhookFailsAfterItsTimeout() {
    server.hang("/slow");
    validating(hook("slow.example.com", server.url("/slow")).put("timeoutSeconds", 1));

    long start = System.nanoTime();
    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c8", false)))
        .isInstanceOfSatisfying(AdmissionException.class, e -> assertThat(e.getMessage())
            .isEqualTo("Internal error occurred: failed calling webhook \"slow.example.com\": "
                + "failed to call webhook: Post \"" + server.url("/slow")
                + "?timeout=1s\": context deadline exceeded"));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
  }

  @Test
  void aServerCertificateTheCaBundleDoesNotVouchForIsACallFailure() {
    untrusted.respond("/ok", WebhookServer::allow);
    validating(hook("untrusted.example.com", untrusted.url("/ok")));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c9", false)))
        .isInstanceOfSatisfying(AdmissionException.class, refusalStartingWith(500,
            "Internal error occurred: failed calling webhook \"untrusted.example.com\": failed "
                + "to call webhook: Post \""));
    assertThat(untrusted.received("/ok")).isEmpty();
  }

  @Test
  void anAnswerForAnotherRequestIsACallFailure() {
    server.respond("/wrong-uid", review -> {
      ObjectNode answer = WebhookServer.allow(review);
      ((ObjectNode) answer.get("response")).put("uid", "not-the-request");
      return answer;
    });
    validating(hook("uid.example.com", server.url("/wrong-uid")));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c10", false)))
        .isInstanceOfSatisfying(AdmissionException.class, e -> assertThat(e.getMessage())
            .matches("Internal error occurred: failed calling webhook \"uid.example.com\": "
                + "received invalid webhook response: expected response.uid=\"[-0-9a-f]{36}\", "
                + "got \"not-the-request\""));
  }

  @Test
  void anErrorStatusIsACallFailure() {
    server.answer("/error", review -> new WebhookServer.Answer(503,
        "overloaded".getBytes(StandardCharsets.UTF_8)));
    validating(hook("error.example.com", server.url("/error")));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c11", false)))
        .isInstanceOfSatisfying(AdmissionException.class, refusal(500, "InternalError",
            "Internal error occurred: failed calling webhook \"error.example.com\": failed to "
                + "call webhook: the server responded with the status code 503: overloaded"));
  }

  @Test
  void anAnswerLargerThanTheLimitIsACallFailure() {
    byte[] huge = new byte[Caller.MAX_RESPONSE_BYTES + 1];
    Arrays.fill(huge, (byte) ' ');
    server.answer("/huge", review -> new WebhookServer.Answer(200, huge));
    validating(hook("huge.example.com", server.url("/huge")));

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c20", false)))
        .isInstanceOfSatisfying(AdmissionException.class, e -> assertThat(e.getMessage())
            .endsWith("\": response body exceeds " + Caller.MAX_RESPONSE_BYTES + " bytes"));
  }

  @Test
  void aDryRunIsRefusedByAWebhookWithSideEffectsWithoutCallingIt() {
    server.respond("/effects", WebhookServer::allow);
    mutating(hook("effects.example.com", server.url("/effects")).put("sideEffects", "Some"));

    assertThatThrownBy(() -> webhooks.admit(createConfigMap("c12", true)))
        .isInstanceOfSatisfying(AdmissionException.class, refusal(400, "BadRequest",
            "admission webhook \"effects.example.com\" does not support dry run"));
    assertThat(server.received("/effects")).isEmpty();
  }

  @Test
  void aDryRunCallsWebhooksWithoutSideEffectsTellingThemItIsADryRun() {
    server.respond("/no-effects", WebhookServer::allow);
    validating(hook("none.example.com", server.url("/no-effects"))
        .put("sideEffects", "NoneOnDryRun"));

    webhooks.validate(createConfigMap("c13", true));

    JsonNode q = server.received("/no-effects").get(0).path("request");
    assertThat(q.path("dryRun").asBoolean()).isTrue();
    assertThat(q.path("options").path("dryRun")).isEqualTo(json("{\"a\":[\"All\"]}").get("a"));
  }

  @Test
  void anUpdateOfTheConfigurationsTakesEffectForTheNextRequest() {
    server.respond("/reload", review -> WebhookServer.deny(review, 0, "closed"));
    webhooks.validate(createConfigMap("c14", false));

    validating(hook("reload.example.com", server.url("/reload")));
    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c14", false)))
        .isInstanceOf(AdmissionException.class);

    webhooks.update(List.of(), List.of());
    webhooks.validate(createConfigMap("c14", false));
    assertThat(server.received("/reload")).hasSize(1);
  }

  /** {@code hook} with the matchCondition object.metadata.name != 'skip-me'. */
  private static ObjectNode skippingSkipMe(ObjectNode hook) {
    hook.putArray("matchConditions").addObject().put("name", "not-skip-me")
        .put("expression", "object.metadata.name != 'skip-me'");
    return hook;
  }

  @Test
  void aValidatingWebhookIsCalledOnlyForObjectsItsMatchConditionsAccept() {
    server.respond("/conditional", WebhookServer::allow);
    validating(skippingSkipMe(hook("conditional.example.com", server.url("/conditional"))));

    webhooks.validate(createConfigMap("called-1", false));
    webhooks.validate(createConfigMap("skip-me", false));

    assertThat(server.received("/conditional"))
        .extracting(review -> review.path("request").path("name").asText())
        .containsExactly("called-1");
  }

  @Test
  void aMutatingWebhookIsCalledOnlyForObjectsItsMatchConditionsAccept() {
    server.respond("/conditional-label", review -> WebhookServer.patch(review,
        "[{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"blue\"}]"));
    mutating(skippingSkipMe(hook("conditional-label.example.com",
        server.url("/conditional-label"))));
    AdmissionRequest called = createConfigMap("called-2", false);
    AdmissionRequest skipped = createConfigMap("skip-me", false);

    webhooks.admit(called);
    webhooks.admit(skipped);

    assertThat(called.object().path("metadata").path("labels").path("team").asText())
        .isEqualTo("blue");
    assertThat(skipped.object().path("metadata").path("labels").has("team")).isFalse();
    assertThat(server.received("/conditional-label")).hasSize(1);
  }

  @Test
  void aMatchConditionThatFailsToEvaluateRefusesWithoutCallingAWebhookThatFailsClosed() {
    server.respond("/conditional-error", WebhookServer::allow);
    ObjectNode hook = hook("conditional-error.example.com", server.url("/conditional-error"));
    hook.putArray("matchConditions").addObject().put("name", "replicas")
        .put("expression", "object.spec.replicas > 0");
    validating(hook);

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c-error", false)))
        .isInstanceOfSatisfying(AdmissionException.class, refusalStartingWith(403,
            "configmaps \"c-error\" is forbidden: failed evaluating match conditions of "
                + "webhook \"conditional-error.example.com\": "));
    assertThat(server.received("/conditional-error")).isEmpty();
  }

  @Test
  void aPatchThatRenamesTheObjectIsRefused() {
    server.respond("/rename", review -> WebhookServer.patch(review,
        "[{\"op\":\"replace\",\"path\":\"/metadata/name\",\"value\":\"other\"}]"));
    mutating(hook("rename.example.com", server.url("/rename")));
    AdmissionRequest r = createConfigMap("c15", false);

    assertThatThrownBy(() -> webhooks.admit(r))
        .isInstanceOfSatisfying(AdmissionException.class, refusal(500, "InternalError",
            "Internal error occurred: admission webhook \"rename.example.com\" attempted to "
                + "change metadata.name from \"c15\" to \"other\", which is not allowed"));
    assertThat(r.object().path("metadata").path("name").asText()).isEqualTo("c15");
  }

  @Test
  void aPatchThatDoesNotApplyIsAnInternalErrorAndChangesNothing() {
    server.respond("/bad-patch", review -> WebhookServer.patch(review,
        "[{\"op\":\"add\",\"path\":\"/data/x\",\"value\":\"1\"},"
            + "{\"op\":\"remove\",\"path\":\"/spec/missing\"}]"));
    mutating(hook("bad-patch.example.com", server.url("/bad-patch")));
    AdmissionRequest r = createConfigMap("c16", false);

    assertThatThrownBy(() -> webhooks.admit(r))
        .isInstanceOfSatisfying(AdmissionException.class,
            refusalStartingWith(500, "Internal error occurred: "));
    assertThat(r.object().path("data").has("x")).isFalse();
  }

  @Test
  void aWebhookBehindAServiceIsCalledAtAReadyEndpointAndProvesTheServiceName() {
    server.respond("/svc", review -> WebhookServer.patch(review,
        "[{\"op\":\"add\",\"path\":\"/data/via\",\"value\":\"service\"}]"));
    reader.put("", "services", "webhooks", "hook", json("""
        {"metadata": {"name": "hook", "namespace": "webhooks"},
         "spec": {"clusterIP": "10.0.0.1", "ports": [{"name": "https", "port": 443,
                  "targetPort": 8443}]}}"""));
    reader.put("", "endpoints", "webhooks", "hook", json("""
        {"metadata": {"name": "hook", "namespace": "webhooks"},
         "subsets": [{"notReadyAddresses": [{"ip": "10.9.9.9"}],
                      "addresses": [{"ip": "127.0.0.1"}],
                      "ports": [{"name": "https", "port": %d}]}]}""".formatted(server.port())));
    ObjectNode hook = hook("svc.example.com", server.url("/"));
    ((ObjectNode) hook.get("clientConfig")).remove("url");
    ((ObjectNode) hook.get("clientConfig")).set("service", json(
        "{\"namespace\": \"webhooks\", \"name\": \"hook\", \"path\": \"/svc\"}"));
    mutating(hook);
    AdmissionRequest r = createConfigMap("c17", false);

    webhooks.admit(r);

    assertThat(r.object().path("data").path("via").asText()).isEqualTo("service");
  }

  @Test
  void aServiceWhoseCertificateNamesAnotherServiceIsACallFailure() {
    server.respond("/svc2", WebhookServer::allow);
    reader.put("", "services", "other", "hook", json("""
        {"spec": {"clusterIP": "10.0.0.2", "ports": [{"port": 443}]}}"""));
    reader.put("", "endpoints", "other", "hook", json("""
        {"subsets": [{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"port": %d}]}]}"""
        .formatted(server.port())));
    ObjectNode hook = hook("other-svc.example.com", server.url("/"));
    ((ObjectNode) hook.get("clientConfig")).remove("url");
    ((ObjectNode) hook.get("clientConfig")).set("service", json(
        "{\"namespace\": \"other\", \"name\": \"hook\", \"path\": \"/svc2\"}"));
    validating(hook);

    assertThatThrownBy(() -> webhooks.validate(createConfigMap("c18", false)))
        .isInstanceOfSatisfying(AdmissionException.class, e -> assertThat(e.getMessage())
            .startsWith("Internal error occurred: failed calling webhook "
                + "\"other-svc.example.com\": failed to call webhook: Post \"https://127.0.0.1:")
            .contains("not hook.other.svc"));
    assertThat(server.received("/svc2")).isEmpty();
  }

  @Test
  void aDeleteIsSentTheOldObjectAndDeleteOptions() {
    server.respond("/delete", WebhookServer::allow);
    ObjectNode hook = hook("delete.example.com", server.url("/delete"));
    ((ObjectNode) hook.get("rules").get(0)).putArray("operations").add("*");
    validating(hook);
    ObjectNode old = createConfigMap("c19", false).object();

    webhooks.validate(new AdmissionRequest(Operation.DELETE, "", "v1", "ConfigMap", "configmaps",
        "", "ns", "c19", null, old, Fixtures.ALICE, false));

    JsonNode q = server.received("/delete").get(0).path("request");
    assertThat(q.path("object").isNull()).isTrue();
    assertThat(q.path("oldObject")).isEqualTo(old);
    assertThat(q.path("options").path("kind").asText()).isEqualTo("DeleteOptions");
  }

  /** An https URL on 127.0.0.1 where nothing listens. */
  private static URI downUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("https://127.0.0.1:" + s.getLocalPort() + "/");
    }
  }
}
