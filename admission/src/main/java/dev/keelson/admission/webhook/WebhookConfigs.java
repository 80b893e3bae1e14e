package dev.keelson.admission.webhook;

import static dev.keelson.admission.match.JsonFields.array;
import static dev.keelson.admission.match.JsonFields.oneOf;
import static dev.keelson.admission.match.JsonFields.strings;
import static dev.keelson.admission.match.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.admission.cel.MatchConditions;
import dev.keelson.admission.match.MatchResources;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads admissionregistration.k8s.io/v1 Mutating- and ValidatingWebhookConfigurations as
 * stored into {@link Webhook}s, in the order Kubernetes calls them: configurations by name,
 * then each configuration's webhooks in their order. Defaults are v1's: failurePolicy Fail,
 * matchPolicy Equivalent, empty selectors (match everything), timeoutSeconds 10,
 * reinvocationPolicy Never; a missing sideEffects counts as Unknown (not safe on dry run).
 *
 * <p>A webhook the API server's validation would have refused (a bad URL, an unknown enum
 * value, a timeout outside 1..30 seconds, an invalid rule or selector, no "v1" among
 * admissionReviewVersions) is skipped and logged, as is a configuration without a name;
 * nothing here throws.
 *
 * <p>A matchCondition that does not compile does not skip its webhook: as for
 * ValidatingAdmissionPolicy, and as Kubernetes does with an expression that stops compiling
 * after it was stored, the condition fails each evaluation ("compilation error: ...") and the
 * webhook's failurePolicy decides: Fail refuses every request the webhook's rules match,
 * Ignore skips the webhook. A webhook that fails closed is safer than one silently dropped.
 * The errors are logged on every update.
 */
final class WebhookConfigs {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookConfigs.class);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final String nodeId;
  private final AdmissionCel cel;

  WebhookConfigs(String nodeId, AdmissionCel cel) {
    this.nodeId = nodeId;
    this.cel = cel;
  }

  /** The webhooks of {@code configs}, mutating ones' if {@code mutating}, in calling order. */
  List<Webhook> parse(List<ObjectNode> configs, boolean mutating) {
    String kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
    List<ObjectNode> named = new ArrayList<>();
    for (ObjectNode c : configs) {
      if (c != null && c.path("metadata").path("name").isTextual()
          && !c.path("metadata").path("name").asText().isEmpty()) {
        named.add(c);
      } else {
        LOG.warn("[{}] skipping a {} without metadata.name", nodeId, kind);
      }
    }
    named.sort(Comparator.comparing(c -> c.path("metadata").path("name").asText()));
    List<Webhook> webhooks = new ArrayList<>();
    for (ObjectNode c : named) {
      String configuration = c.path("metadata").path("name").asText();
      JsonNode items = c.path("webhooks");
      for (int i = 0; i < items.size(); i++) {
        JsonNode w = items.get(i);
        try {
          webhooks.add(webhook(configuration, i, w, mutating));
        } catch (RuntimeException e) {
          LOG.warn("[{}] skipping webhook {} ({}) of {} {}: {}", nodeId, i,
              w.path("name").asText("?"), kind, configuration, e.getMessage());
        }
      }
    }
    return webhooks;
  }

  private Webhook webhook(String configuration, int index, JsonNode w, boolean mutating) {
    String name = text(w, "name", "");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: Required value");
    }
    JsonNode versions = w.path("admissionReviewVersions");
    if (!versions.isMissingNode() && !versions.isNull() && !strings(w,
        "admissionReviewVersions").contains("v1")) {
      throw new IllegalArgumentException("admissionReviewVersions: only v1 is supported");
    }
    MatchResources match = MatchResources.ofWebhook(w);
    boolean failOpen = oneOf(w, "failurePolicy", "Fail", "Fail", "Ignore").equals("Ignore");
    String sideEffects = oneOf(w, "sideEffects", "Unknown", "None", "NoneOnDryRun", "Some",
        "Unknown");
    boolean safeOnDryRun = sideEffects.equals("None") || sideEffects.equals("NoneOnDryRun");
    Duration timeout = DEFAULT_TIMEOUT;
    if (w.hasNonNull("timeoutSeconds")) {
      JsonNode t = w.get("timeoutSeconds");
      if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1 || t.asInt() > 30) {
        throw new IllegalArgumentException("timeoutSeconds: must be between 1 and 30 seconds");
      }
      timeout = Duration.ofSeconds(t.asInt());
    }
    boolean ifNeeded = mutating
        && oneOf(w, "reinvocationPolicy", "Never", "Never", "IfNeeded").equals("IfNeeded");
    List<MatchConditions.Condition> conditions = new ArrayList<>();
    for (JsonNode c : array(w, "matchConditions")) {
      conditions.add(new MatchConditions.Condition(text(c, "name", ""),
          text(c, "expression", "")));
    }
    MatchConditions compiled = MatchConditions.compile(cel, conditions);
    if (!compiled.compileErrors().isEmpty()) {
      LOG.warn("[{}] webhook {} of {} has matchConditions that do not compile (requests it "
          + "matches will {}): {}", nodeId, name, configuration, failOpen ? "skip it"
          : "be refused", compiled.compileErrors());
    }
    return new Webhook(configuration + "/" + name + "/" + index, configuration, name,
        clientConfig(w.path("clientConfig")), match, compiled, failOpen, safeOnDryRun, timeout,
        ifNeeded);
  }

  private static ClientConfig clientConfig(JsonNode c) {
    if (!c.isObject()) {
      throw new IllegalArgumentException("clientConfig: Required value");
    }
    String caBundle;
    try {
      caBundle = new String(Base64.getDecoder().decode(text(c, "caBundle", "")),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("clientConfig.caBundle: not base64: " + e.getMessage());
    }
    if (c.hasNonNull("url") == c.hasNonNull("service")) {
      throw new IllegalArgumentException("clientConfig: exactly one of url or service is "
          + "required");
    }
    if (c.hasNonNull("url")) {
      return new ClientConfig(url(text(c, "url", "")), null, caBundle);
    }
    JsonNode s = c.get("service");
    String namespace = text(s, "namespace", "");
    String name = text(s, "name", "");
    if (namespace.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("clientConfig.service: namespace and name are required");
    }
    int port = 443;
    if (s.hasNonNull("port")) {
      port = s.get("port").asInt(-1);
      if (!s.get("port").isIntegralNumber() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("clientConfig.service.port: must be 1..65535");
      }
    }
    String path = text(s, "path", "");
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw new IllegalArgumentException("clientConfig.service.path: must start with /");
    }
    return new ClientConfig(null, new ClientConfig.Service(namespace, name, path, port),
        caBundle);
  }

  private static URI url(String value) {
    try {
      URI u = new URI(value);
      if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getRawQuery() != null
          || u.getRawFragment() != null || u.getRawUserInfo() != null) {
        throw new IllegalArgumentException("clientConfig.url: must be https://host[:port][/path]"
            + " without user, query or fragment: " + value);
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("clientConfig.url: " + e.getMessage());
    }
  }
}
