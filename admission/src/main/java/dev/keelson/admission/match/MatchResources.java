package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which requests a policy or binding applies to ({@code MatchResources}, as Kubernetes'
 * policy matcher): the namespace selector, then the object selector, then the excluded rules,
 * then the rules (none means every resource). {@code matchPolicy} Equivalent is read but
 * matches as Exact: a master serves each resource at one version.
 */
public final class MatchResources {
  /** Finds a Namespace object by name (a request's lookups may be cached by the caller). */
  @FunctionalInterface
  public interface NamespaceLookup {
    Optional<ObjectNode> namespace(String name);
  }

  /** A selector could not be evaluated (its Namespace does not exist). */
  public static final class MatchException extends Exception {
    public MatchException(String message) {
      super(message);
    }
  }

  private static final MatchResources EVERYTHING = new MatchResources(
      LabelSelector.everything(), LabelSelector.everything(), List.of(), List.of());

  private final LabelSelector namespaceSelector;
  private final LabelSelector objectSelector;
  private final List<ResourceRule> resourceRules;
  private final List<ResourceRule> excludeResourceRules;

  public MatchResources(LabelSelector namespaceSelector, LabelSelector objectSelector,
      List<ResourceRule> resourceRules, List<ResourceRule> excludeResourceRules) {
    this.namespaceSelector = namespaceSelector;
    this.objectSelector = objectSelector;
    this.resourceRules = List.copyOf(resourceRules);
    this.excludeResourceRules = List.copyOf(excludeResourceRules);
  }

  public static MatchResources everything() {
    return EVERYTHING;
  }

  /**
   * Reads {@code matchConstraints} / {@code matchResources}; null or missing matches every
   * request.
   *
   * @throws IllegalArgumentException for an invalid selector
   */
  public static MatchResources parse(JsonNode m) {
    if (m == null || m.isNull() || m.isMissingNode()) {
      return EVERYTHING;
    }
    return new MatchResources(LabelSelector.parse(m.get("namespaceSelector")),
        LabelSelector.parse(m.get("objectSelector")),
        ResourceRule.parseAll(m.path("resourceRules")),
        ResourceRule.parseAll(m.path("excludeResourceRules")));
  }

  /**
   * Whether {@code r} is matched. A namespace selector on a request whose Namespace does not
   * exist is an error, but only if the rest matches (as Kubernetes: a policy that does not
   * apply never fails a request).
   */
  public boolean matches(AdmissionRequest r, NamespaceLookup namespaces) throws MatchException {
    MatchException namespaceError = null;
    try {
      if (!namespaceMatches(r, namespaces)) {
        return false;
      }
    } catch (MatchException e) {
      namespaceError = e;
    }
    if (!objectSelector.isEmpty() && !objectSelector.matches(LabelSelector.labelsOf(r.object()))
        && !objectSelector.matches(LabelSelector.labelsOf(r.oldObject()))) {
      return false;
    }
    for (ResourceRule rule : excludeResourceRules) {
      if (rule.matches(r)) {
        return false;
      }
    }
    if (!resourceRules.isEmpty() && resourceRules.stream().noneMatch(rule -> rule.matches(r))) {
      return false;
    }
    if (namespaceError != null) {
      throw namespaceError;
    }
    return true;
  }

  private boolean namespaceMatches(AdmissionRequest r, NamespaceLookup namespaces)
      throws MatchException {
    boolean namespaceItself = r.resource().equals("namespaces");
    boolean hasNamespace = r.namespace() != null && !r.namespace().isEmpty();
    if (!hasNamespace && !namespaceItself) {
      // cluster-scoped resources other than Namespaces are never exempted
      return true;
    }
    if (namespaceSelector.isEmpty()) {
      return true;
    }
    Map<String, String> labels;
    boolean subresource = r.subresource() != null && !r.subresource().isEmpty();
    if (namespaceItself && !subresource
        && (r.operation() == Operation.CREATE || r.operation() == Operation.UPDATE)) {
      // the request writes the Namespace: its new labels decide
      labels = LabelSelector.labelsOf(r.object());
    } else {
      String name = namespaceItself ? r.name() : r.namespace();
      labels = LabelSelector.labelsOf(namespaces.namespace(name)
          .orElseThrow(() -> new MatchException("namespaces \"" + name + "\" not found")));
    }
    return namespaceSelector.matches(labels);
  }
}
