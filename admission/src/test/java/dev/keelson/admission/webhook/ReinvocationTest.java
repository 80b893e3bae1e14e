package dev.keelson.admission.webhook;

import dev.keelson.admission.InMemoryObjects;
import static dev.keelson.admission.webhook.Fixtures.config;
import static dev.keelson.admission.webhook.Fixtures.createConfigMap;
import static dev.keelson.admission.webhook.Fixtures.hook;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionChain;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.MutatingAdmission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * reinvocationPolicy IfNeeded through the admission chain: a webhook is called once more when
 * the object changed after it ran, by a later webhook or, in the second round, by a plugin.
 */
@Timeout(30)
class ReinvocationTest {
  private static WebhookServer server;

  private final Webhooks webhooks = new Webhooks("test", new InMemoryObjects(), Fixtures.CEL);

  @BeforeAll
  static void startServer() throws Exception {
    server = new WebhookServer(Fixtures.serverCert(Fixtures.CA));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** A webhook that only looks, at {@code path}. */
  private static ObjectNode observer(String path, String policy) {
    server.respond(path, WebhookServer::allow);
    return hook("observer.example.com", server.url(path)).put("reinvocationPolicy", policy);
  }

  /** A webhook that sets label added=yes (a change only the first time), at {@code path}. */
  private static ObjectNode labeler(String path) {
    server.respond(path, review -> WebhookServer.patch(review,
        "[{\"op\":\"add\",\"path\":\"/metadata/labels/added\",\"value\":\"yes\"}]"));
    return hook("labeler.example.com", server.url(path));
  }

  private AdmissionRequest admit(List<MutatingAdmission> plugins, ObjectNode... hooks) {
    List<ObjectNode> configs = new ArrayList<>();
    for (int i = 0; i < hooks.length; i++) {
      configs.add(config("config-" + i, hooks[i]));
    }
    webhooks.update(configs, List.of());
    List<MutatingAdmission> chain = new ArrayList<>(plugins);
    chain.add(webhooks);
    AdmissionRequest r = createConfigMap("c", false);
    new AdmissionChain(chain, List.of()).mutate(r);
    return r;
  }

  private static List<String> labelsSeen(String path) {
    List<String> seen = new ArrayList<>();
    for (JsonNode review : server.received(path)) {
      seen.add(review.path("request").path("object").path("metadata").path("labels")
          .toString());
    }
    return seen;
  }

  @Test
  void anIfNeededWebhookSeesTheChangesOfALaterWebhook() {
    admit(List.of(), observer("/o1", "IfNeeded"), labeler("/l1"));

    assertThat(labelsSeen("/o1")).containsExactly("{\"app\":\"web\"}",
        "{\"app\":\"web\",\"added\":\"yes\"}");
    assertThat(server.received("/l1")).as("a Never webhook runs once").hasSize(1);
  }

  @Test
  void aNeverWebhookIsCalledOnceWhateverChangesAfterIt() {
    admit(List.of(), observer("/o2", "Never"), labeler("/l2"));

    assertThat(server.received("/o2")).hasSize(1);
  }

  @Test
  void anIfNeededWebhookThatRanAfterTheLastChangeIsNotCalledAgain() {
    admit(List.of(), labeler("/l3"), observer("/o3", "IfNeeded"));

    assertThat(server.received("/o3")).hasSize(1);
  }

  @Test
  void aPluginsChangeInTheSecondRoundReinvokesIfNeededWebhooks() {
    MutatingAdmission counter = new MutatingAdmission() {
      private int runs;

      @Override
      public void admit(AdmissionRequest r) {
        r.object().withObjectProperty("metadata").withObjectProperty("annotations")
            .put("runs", String.valueOf(++runs));
      }
    };

    AdmissionRequest r = admit(List.of(counter), labeler("/l4"), observer("/o4", "IfNeeded"));

    assertThat(server.received("/o4")).hasSize(2);
    assertThat(server.received("/l4")).hasSize(1);
    assertThat(r.object().path("metadata").path("annotations").path("runs").asText())
        .isEqualTo("2");
  }

  @Test
  void withoutAChangeNothingIsReinvoked() {
    server.respond("/quiet", WebhookServer::allow);
    admit(List.of(), observer("/o5", "IfNeeded"), hook("quiet.example.com",
        server.url("/quiet")));

    assertThat(server.received("/o5")).hasSize(1);
  }
}
