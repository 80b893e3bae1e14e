package dev.keelson.auth.rbac;

import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector: every {@code matchLabels} pair and every expression must hold. An
 * empty selector matches every set of labels, as in Kubernetes.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  /** The operators of {@code matchExpressions}. */
  public enum Operator {
    IN("In"), NOT_IN("NotIn"), EXISTS("Exists"), DOES_NOT_EXIST("DoesNotExist");

    private final String jsonName;

    Operator(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }

    public static Operator of(String jsonName) {
      for (Operator o : values()) {
        if (o.jsonName.equals(jsonName)) {
          return o;
        }
      }
      throw new InvalidRbacObjectException("operator: Invalid value: "
          + Quoting.quote(String.valueOf(jsonName)) + ": not a valid selector operator");
    }
  }

  /** {@code key In (values)}, {@code key NotIn (values)}, {@code key Exists}, ... */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      if (key == null || key.isEmpty()) {
        throw new InvalidRbacObjectException("key: Required value");
      }
      if (operator == null) {
        throw new InvalidRbacObjectException("operator: Required value");
      }
      values = values == null ? List.of() : List.copyOf(values);
      boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
      if (needsValues && values.isEmpty()) {
        throw new InvalidRbacObjectException("values: Required value: must be specified when "
            + "`operator` is 'In' or 'NotIn'");
      }
      if (!needsValues && !values.isEmpty()) {
        throw new InvalidRbacObjectException("values: Forbidden: may not be specified when "
            + "`operator` is 'Exists' or 'DoesNotExist'");
      }
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  public LabelSelector {
    matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
    matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
  }

  public static LabelSelector matchLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
