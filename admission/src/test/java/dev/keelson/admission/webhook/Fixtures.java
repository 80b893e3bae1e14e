package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.pki.CertificateAuthority;
import dev.keelson.auth.pki.IssuedCert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Certificates, configurations and requests the webhook tests share. */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  /** One CEL environment for every webhook test, as one per master. */
  static final AdmissionCel CEL = new AdmissionCel();
  static final CertificateAuthority CA = CertificateAuthority.create("webhook-test-ca",
      Duration.ofDays(1));
  /** A CA the webhooks do not trust. */
  static final CertificateAuthority OTHER_CA = CertificateAuthority.create("other-ca",
      Duration.ofDays(1));
  static final String SERVICE_NAME = "hook.webhooks.svc";
  static final UserInfo ALICE = new UserInfo("alice", "u-1", List.of("dev", "system:authenticated"),
      Map.of("scopes", List.of("a", "b")));

  private Fixtures() {}

  /** A serving certificate for 127.0.0.1, localhost and the Service hook.webhooks.svc. */
  static IssuedCert serverCert(CertificateAuthority ca) {
    return ca.issueServer("webhook", List.of("localhost", SERVICE_NAME), List.of("127.0.0.1"),
        Duration.ofDays(1));
  }

  static String caBundle(CertificateAuthority ca) {
    return Base64.getEncoder().encodeToString(
        ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * A webhook at {@code url} trusting {@link #CA}, for CREATE and UPDATE of core v1 configmaps,
   * with sideEffects None.
   */
  static ObjectNode hook(String name, URI url) {
    ObjectNode hook = json("""
        {"name": "%s", "admissionReviewVersions": ["v1"], "sideEffects": "None",
         "clientConfig": {"url": "%s", "caBundle": "%s"},
         "rules": [{"operations": ["CREATE", "UPDATE"], "apiGroups": [""],
                    "apiVersions": ["v1"], "resources": ["configmaps"]}]}
        """.formatted(name, url, caBundle(CA)));
    return hook;
  }

  static ObjectNode config(String name, ObjectNode... hooks) {
    ObjectNode config = json("""
        {"apiVersion": "admissionregistration.k8s.io/v1", "metadata": {"name": "%s"}}
        """.formatted(name));
    ArrayNode list = config.putArray("webhooks");
    for (ObjectNode h : hooks) {
      list.add(h);
    }
    return config;
  }

  static AdmissionRequest createConfigMap(String name, boolean dryRun) {
    ObjectNode cm = json("""
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "%s", "namespace": "ns", "labels": {"app": "web"}},
         "data": {"k": "v"}}
        """.formatted(name));
    return new AdmissionRequest(Operation.CREATE, "", "v1", "ConfigMap", "configmaps", "", "ns",
        name, cm, null, ALICE, dryRun);
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
