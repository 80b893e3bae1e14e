package dev.keelson.admission.match;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions} with In,
 * NotIn, Exists, DoesNotExist), all terms ANDed. An absent or empty selector matches
 * everything. NotIn and DoesNotExist match objects without the label.
 */
public final class LabelSelector {
  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  private record Requirement(String key, Operator operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> labels.containsKey(key);
        case DOES_NOT_EXIST -> !labels.containsKey(key);
      };
    }
  }

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Reads a selector as JSON; null or missing selects everything.
   *
   * @throws IllegalArgumentException for an unknown operator or values that do not fit it
   */
  public static LabelSelector parse(JsonNode selector) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    selector.path("matchLabels").fields().forEachRemaining(e -> requirements.add(
        new Requirement(e.getKey(), Operator.IN, Set.of(e.getValue().asText()))));
    for (JsonNode e : selector.path("matchExpressions")) {
      String key = e.path("key").asText();
      Set<String> values = new LinkedHashSet<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      String op = e.path("operator").asText();
      Operator operator = switch (op) {
        case "In" -> Operator.IN;
        case "NotIn" -> Operator.NOT_IN;
        case "Exists" -> Operator.EXISTS;
        case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
        default -> throw new IllegalArgumentException("\"" + op + "\" is not a valid label "
            + "selector operator");
      };
      boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
      if (key.isEmpty() || needsValues == values.isEmpty()) {
        throw new IllegalArgumentException("invalid label selector requirement on \"" + key
            + "\": " + op + (needsValues ? " needs values" : " takes no values"));
      }
      requirements.add(new Requirement(key, operator, Set.copyOf(values)));
    }
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements);
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** {@code metadata.labels} of an object (empty for null). */
  public static Map<String, String> labelsOf(JsonNode object) {
    if (object == null) {
      return Map.of();
    }
    Map<String, String> labels = new HashMap<>();
    object.path("metadata").path("labels").fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  @Override
  public String toString() {
    Map<String, Object> m = new LinkedHashMap<>();
    requirements.forEach(r -> m.put(r.key(), r.operator() + " " + r.values()));
    return m.toString();
  }
}
