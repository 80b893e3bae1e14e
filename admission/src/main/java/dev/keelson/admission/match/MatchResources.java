package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.auth.rbac.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which requests an admission configuration applies to, as Kubernetes' matchers decide it for
 * webhooks (ShouldCallHook) and policies (matchConstraints, a binding's matchResources):
 *
 * <ol>
 *   <li>never the admission configuration objects themselves ({@link
 *       #isAdmissionConfiguration}), so no webhook or policy can block its own repair;
 *   <li>the namespaceSelector, on the labels of the request's Namespace (requests on other
 *       cluster-scoped objects always pass; a Namespace being created or updated is judged by
 *       its new labels, another request on a Namespace by its old ones);
 *   <li>the objectSelector, on the labels of the object or of the old object;
 *   <li>no excludeResourceRules entry, and some resourceRules entry, covers the request.
 * </ol>
 *
 * A Namespace that cannot be read is an error only when everything else matches: a
 * configuration that does not apply never fails a request. matchPolicy Equivalent (the
 * default) compares group and resource but not version: every type is served at one version
 * here, so there is nothing to convert.
 */
public record MatchResources(LabelSelector namespaceSelector, LabelSelector objectSelector,
    List<ResourceRule> resourceRules, List<ResourceRule> excludeResourceRules,
    MatchPolicy matchPolicy) {
  /** admissionregistration/v1 MatchPolicyType. */
  public enum MatchPolicy { EXACT, EQUIVALENT }

  /** Finds a Namespace object by name (the caller may cache a request's lookups). */
  @FunctionalInterface
  public interface NamespaceLookup {
    Optional<ObjectNode> namespace(String name);
  }

  /** A selector could not be evaluated: the request's Namespace does not exist. */
  public static final class MatchException extends Exception {
    private static final long serialVersionUID = 1L;

    public MatchException(String message) {
      super(message);
    }
  }

  private static final MatchResources EVERYTHING = new MatchResources(
      LabelSelectors.everything(), LabelSelectors.everything(),
      List.of(ResourceRule.everything()), List.of(), MatchPolicy.EQUIVALENT);

  public MatchResources {
    resourceRules = List.copyOf(resourceRules);
    excludeResourceRules = List.copyOf(excludeResourceRules);
    matchPolicy = matchPolicy == null ? MatchPolicy.EQUIVALENT : matchPolicy;
  }

  /** Every request but those on admission configuration. */
  public static MatchResources everything() {
    return EVERYTHING;
  }

  /**
   * A policy's {@code matchConstraints} or a binding's {@code matchResources}; null or missing
   * matches every request, and so does an empty resourceRules.
   *
   * @throws IllegalArgumentException for an invalid selector, rule or matchPolicy
   */
  public static MatchResources parse(JsonNode m) {
    if (m == null || m.isNull() || m.isMissingNode()) {
      return EVERYTHING;
    }
    List<ResourceRule> rules = ResourceRule.parseAll(m, "resourceRules");
    return new MatchResources(LabelSelectors.parse(m.get("namespaceSelector"),
        "namespaceSelector"), LabelSelectors.parse(m.get("objectSelector"), "objectSelector"),
        rules.isEmpty() ? List.of(ResourceRule.everything()) : rules,
        ResourceRule.parseAll(m, "excludeResourceRules"), matchPolicy(m));
  }

  /**
   * A webhook's {@code rules}, {@code namespaceSelector}, {@code objectSelector} and
   * {@code matchPolicy}; unlike a policy's, no rules match no request.
   *
   * @throws IllegalArgumentException for an invalid selector, rule or matchPolicy
   */
  public static MatchResources ofWebhook(JsonNode webhook) {
    return new MatchResources(LabelSelectors.parse(webhook.get("namespaceSelector"),
        "namespaceSelector"), LabelSelectors.parse(webhook.get("objectSelector"),
        "objectSelector"), ResourceRule.parseAll(webhook, "rules"), List.of(),
        matchPolicy(webhook));
  }

  private static MatchPolicy matchPolicy(JsonNode n) {
    return JsonFields.oneOf(n, "matchPolicy", "Equivalent", "Exact", "Equivalent")
        .equals("Exact") ? MatchPolicy.EXACT : MatchPolicy.EQUIVALENT;
  }

  /**
   * Whether {@code r} is matched.
   *
   * @throws MatchException if everything matches but the namespaceSelector, which cannot be
   *     evaluated because the request's Namespace does not exist
   */
  public boolean matches(AdmissionRequest r, NamespaceLookup namespaces) throws MatchException {
    if (isAdmissionConfiguration(r)) {
      return false;
    }
    MatchException namespaceError = null;
    try {
      if (!namespaceMatches(r, namespaces)) {
        return false;
      }
    } catch (MatchException e) {
      namespaceError = e;
    }
    if (!objectSelector.matches(LabelSelectors.labelsOf(r.object()))
        && !objectSelector.matches(LabelSelectors.labelsOf(r.oldObject()))) {
      return false;
    }
    boolean anyVersion = matchPolicy == MatchPolicy.EQUIVALENT;
    for (ResourceRule rule : excludeResourceRules) {
      if (rule.matches(r, anyVersion)) {
        return false;
      }
    }
    if (resourceRules.stream().noneMatch(rule -> rule.matches(r, anyVersion))) {
      return false;
    }
    if (namespaceError != null) {
      throw namespaceError;
    }
    return true;
  }

  private boolean namespaceMatches(AdmissionRequest r, NamespaceLookup namespaces)
      throws MatchException {
    if (LabelSelectors.isEmpty(namespaceSelector)) {
      return true;
    }
    boolean namespaceItself = isNamespace(r);
    if (!namespaceItself && (r.namespace() == null || r.namespace().isEmpty())) {
      // cluster-scoped resources other than Namespaces are never exempted
      return true;
    }
    return namespaceSelector.matches(namespaceLabels(r, namespaceItself, namespaces));
  }

  private static Map<String, String> namespaceLabels(AdmissionRequest r, boolean namespaceItself,
      NamespaceLookup namespaces) throws MatchException {
    boolean subresource = r.subresource() != null && !r.subresource().isEmpty();
    if (namespaceItself && !subresource && r.object() != null
        && (r.operation() == Operation.CREATE || r.operation() == Operation.UPDATE)) {
      // the request writes the Namespace: its new labels decide
      return LabelSelectors.labelsOf(r.object());
    }
    if (namespaceItself && r.oldObject() != null) {
      // the Namespace as stored before this request: what a lookup would return
      return LabelSelectors.labelsOf(r.oldObject());
    }
    String name = namespaceItself ? r.name() : r.namespace();
    Optional<ObjectNode> namespace = namespaces.namespace(name);
    if (namespace.isEmpty()) {
      throw new MatchException("namespaces \"" + name + "\" not found");
    }
    return LabelSelectors.labelsOf(namespace.get());
  }

  /** A request on a Namespace object (or one of its subresources). */
  public static boolean isNamespace(AdmissionRequest r) {
    return r.group().isEmpty() && r.resource().equals("namespaces");
  }

  /**
   * A request on the admission configuration objects (webhook configurations, admission
   * policies and their bindings), which no webhook or policy applies to, as Kubernetes.
   */
  public static boolean isAdmissionConfiguration(AdmissionRequest r) {
    return r.group().equals("admissionregistration.k8s.io")
        && switch (r.resource()) {
          case "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
              "validatingadmissionpolicies", "validatingadmissionpolicybindings",
              "mutatingadmissionpolicies", "mutatingadmissionpolicybindings" -> true;
          default -> false;
        };
  }
}
