package dev.keelson.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.admission.AdmissionChain;
import dev.keelson.api.KubeApi;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Authorizer;
import dev.keelson.auth.pki.IssuedCert;
import dev.keelson.server.testing.LocalCluster;
import dev.keelson.server.testing.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request path's seams, in order: authentication (client certificate, else anonymous),
 * authorization, mutating admission, validation, validating admission. The plugins here are
 * test ones (RBAC has its own IT, {@code AuthIT}); anonymous access is on here, which is not
 * the default.
 */
@Timeout(120)
class RequestPathIT {
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static RestClient admin;
  static RestClient anonymous;
  static RestClient jane;
  static final String CMS = "/api/v1/namespaces/default/configmaps";

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.startWithApi(dir, pki -> new KubeApi.Security(true, null,
        pki.serviceAccountKey(), true));
    cluster.master(0).kubeApi().setAuthorizer(Authorizer.ALWAYS_ALLOW);
    admin = cluster.admin(0);
    anonymous = new RestClient(cluster.apiUrl(0), cluster.pki().ca().certificate(), null);
    IssuedCert janeCert = cluster.pki().ca().issueClient("jane", List.of("dev"),
        Duration.ofHours(1));
    jane = new RestClient(cluster.apiUrl(0), cluster.pki().ca().certificate(), janeCert);
    cluster.awaitApiReady();
  }

  @AfterEach
  void reset() {
    cluster.master(0).kubeApi().setAuthorizer(Authorizer.ALWAYS_ALLOW);
    cluster.master(0).kubeApi().setAdmission(AdmissionChain.empty());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void admissionSeesTheUserOfTheCertificateOrAnonymous() {
    Map<String, UserInfo> seen = new ConcurrentHashMap<>();
    cluster.master(0).kubeApi().setAdmission(new AdmissionChain(List.of(),
        List.of(r -> seen.put(r.name(), r.user()))));
    assertThat(jane.post(CMS, "{\"metadata\":{\"name\":\"by-jane\"}}").code()).isEqualTo(201);
    assertThat(anonymous.post(CMS, "{\"metadata\":{\"name\":\"by-nobody\"}}").code())
        .isEqualTo(201);
    assertThat(seen.get("by-jane").name()).isEqualTo("jane");
    assertThat(seen.get("by-jane").groups()).containsExactly("dev", "system:authenticated");
    assertThat(seen.get("by-nobody").name()).isEqualTo("system:anonymous");
    assertThat(seen.get("by-nobody").groups()).containsExactly("system:unauthenticated");
  }

  @Test
  void mutatingAdmissionRunsBeforeValidationAndValidatingAdmissionAfter() {
    cluster.master(0).kubeApi().setAdmission(new AdmissionChain(
        List.of(r -> {
          if (r.operation() == AdmissionRequest.Operation.CREATE) {
            r.object().withObjectProperty("metadata").withObjectProperty("labels")
                .put("admitted", "yes");
          }
        }),
        List.of(r -> {
          if (r.name().startsWith("forbidden-")) {
            throw AdmissionException.forbidden("configmaps \"" + r.name()
                + "\" is forbidden: names starting forbidden- are refused");
          }
        })));
    RestClient.Reply ok = admin.post(CMS, "{\"metadata\":{\"name\":\"mutated\"}}");
    assertThat(ok.code()).isEqualTo(201);
    assertThat(ok.json().path("metadata").path("labels").path("admitted").asText())
        .isEqualTo("yes");
    RestClient.Reply refused = admin.post(CMS, "{\"metadata\":{\"name\":\"forbidden-x\"}}");
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.json().path("reason").asText()).isEqualTo("Forbidden");
    assertThat(admin.get(CMS + "/forbidden-x").code()).isEqualTo(404);
    // an invalid object is refused by validation before validating admission sees it
    RestClient.Reply invalid = admin.post(CMS, "{\"metadata\":{\"name\":\"forbidden-X_\"}}");
    assertThat(invalid.code()).isEqualTo(422);
  }

  @Test
  void anAuthorizerThatSaysNoGivesForbiddenInKubernetesWords() {
    admin.post(CMS, "{\"metadata\":{\"name\":\"keep-me\"}}");
    cluster.master(0).kubeApi().setAuthorizer(a -> a.verb().equals("delete")
        ? Authorizer.Decision.deny("deletes are off") : Authorizer.Decision.allow(""));
    RestClient.Reply r = jane.delete(CMS + "/keep-me");
    assertThat(r.code()).isEqualTo(403);
    JsonNode s = r.json();
    assertThat(s.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(s.path("message").asText()).isEqualTo("configmaps \"keep-me\" is forbidden: "
        + "User \"jane\" cannot delete resource \"configmaps\" in API group \"\" in the "
        + "namespace \"default\": deletes are off");
    assertThat(jane.get(CMS + "/keep-me").code()).isEqualTo(200);
  }
}
