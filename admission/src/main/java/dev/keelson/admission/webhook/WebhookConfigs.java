package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.rbac.LabelSelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * value, a timeout outside 1..30 seconds, a selector or match condition that does not compile,
 * no "v1" among admissionReviewVersions) is skipped and logged, as is a configuration without
 * a name; nothing here throws.
 */
final class WebhookConfigs {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookConfigs.class);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final String nodeId;
  private final MatchConditionCompiler compiler;

  WebhookConfigs(String nodeId, MatchConditionCompiler compiler) {
    this.nodeId = nodeId;
    this.compiler = compiler;
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
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : array(w, "rules")) {
      rules.add(rule(r));
    }
    boolean failOpen = oneOf(w, "failurePolicy", "Fail", "Fail", "Ignore").equals("Ignore");
    boolean equivalent = oneOf(w, "matchPolicy", "Equivalent", "Exact", "Equivalent")
        .equals("Equivalent");
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
    List<Webhook.NamedCondition> conditions = new ArrayList<>();
    for (JsonNode c : array(w, "matchConditions")) {
      String conditionName = text(c, "name", "");
      try {
        conditions.add(new Webhook.NamedCondition(conditionName,
            compiler.compile(text(c, "expression", ""))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("matchConditions \"" + conditionName
            + "\": compilation failed: " + e.getMessage(), e);
      }
    }
    return new Webhook(configuration + "/" + name + "/" + index, configuration, name,
        clientConfig(w.path("clientConfig")), rules, failOpen, equivalent,
        selector(w.path("namespaceSelector"), "namespaceSelector"),
        selector(w.path("objectSelector"), "objectSelector"), safeOnDryRun, timeout, ifNeeded,
        conditions);
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

  private static Rule rule(JsonNode r) {
    String scope = oneOf(r, "scope", "*", "Cluster", "Namespaced", "*");
    return new Rule(strings(r, "operations"), strings(r, "apiGroups"),
        strings(r, "apiVersions"), strings(r, "resources"), switch (scope) {
          case "Cluster" -> Rule.Scope.CLUSTER;
          case "Namespaced" -> Rule.Scope.NAMESPACED;
          default -> Rule.Scope.ALL;
        });
  }

  /** A label selector; missing or null is the empty selector, which matches everything. */
  static LabelSelector selector(JsonNode s, String field) {
    if (s.isMissingNode() || s.isNull()) {
      return new LabelSelector(Map.of(), List.of());
    }
    if (!s.isObject()) {
      throw new IllegalArgumentException(field + ": must be an object");
    }
    Map<String, String> matchLabels = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : s.path("matchLabels").properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(field + ".matchLabels: values must be strings");
      }
      matchLabels.put(e.getKey(), e.getValue().asText());
    }
    List<LabelSelector.Requirement> expressions = new ArrayList<>();
    for (JsonNode e : array(s, "matchExpressions")) {
      try {
        expressions.add(new LabelSelector.Requirement(text(e, "key", ""),
            LabelSelector.Operator.of(text(e, "operator", "")), strings(e, "values")));
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(field + ".matchExpressions: " + x.getMessage(), x);
      }
    }
    return new LabelSelector(matchLabels, expressions);
  }

  private static String oneOf(JsonNode n, String field, String dflt, String... allowed) {
    String v = text(n, field, dflt);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(field + ": Unsupported value: \"" + v + "\"");
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + ": must be a string");
    }
    return v.asText();
  }

  private static List<JsonNode> array(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + ": must be a list");
    }
    List<JsonNode> items = new ArrayList<>();
    v.forEach(items::add);
    return items;
  }

  private static List<String> strings(JsonNode n, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode v : array(n, field)) {
      if (!v.isTextual()) {
        throw new IllegalArgumentException(field + ": must be a list of strings");
      }
      values.add(v.asText());
    }
    return values;
  }
}
