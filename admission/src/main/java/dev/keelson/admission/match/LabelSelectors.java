package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.auth.rbac.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes label selectors ({@code metav1.LabelSelector} as stored JSON) into
 * auth-rbac's {@link LabelSelector}, the one selector type of the project, and reads the labels
 * they are matched against.
 */
public final class LabelSelectors {
  private static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  private LabelSelectors() {
  }

  /** The empty selector: matches every set of labels. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * The selector at {@code field}; missing or null is the empty selector.
   *
   * @throws IllegalArgumentException if it is not an object, a matchLabels value is not a
   *     string, or a requirement is invalid (unknown operator, key missing, values missing for
   *     In/NotIn or given for Exists/DoesNotExist); the message starts with {@code field}
   */
  public static LabelSelector parse(JsonNode selector, String field) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return EVERYTHING;
    }
    if (!selector.isObject()) {
      throw new IllegalArgumentException(field + ": must be an object");
    }
    Map<String, String> matchLabels = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(field + ".matchLabels: values must be strings");
      }
      matchLabels.put(e.getKey(), e.getValue().asText());
    }
    List<LabelSelector.Requirement> expressions = new ArrayList<>();
    for (JsonNode e : JsonFields.array(selector, "matchExpressions")) {
      try {
        expressions.add(new LabelSelector.Requirement(JsonFields.text(e, "key", ""),
            LabelSelector.Operator.of(JsonFields.text(e, "operator", "")),
            JsonFields.strings(e, "values")));
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(field + ".matchExpressions: " + x.getMessage(), x);
      }
    }
    return new LabelSelector(matchLabels, expressions);
  }

  /** Whether {@code s} has no terms (and so matches everything). */
  public static boolean isEmpty(LabelSelector s) {
    return s.matchLabels().isEmpty() && s.matchExpressions().isEmpty();
  }

  /** {@code metadata.labels} of an object; empty for null or an object without labels. */
  public static Map<String, String> labelsOf(JsonNode object) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (object == null) {
      return labels;
    }
    for (Map.Entry<String, JsonNode> e : object.path("metadata").path("labels").properties()) {
      labels.put(e.getKey(), e.getValue().asText());
    }
    return labels;
  }
}
