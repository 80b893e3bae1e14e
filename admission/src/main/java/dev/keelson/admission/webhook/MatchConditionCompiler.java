package dev.keelson.admission.webhook;

/**
 * Compiles the CEL expressions of {@code matchConditions}; the CEL environment lives outside
 * this package.
 */
public interface MatchConditionCompiler {
  /** The compiled expression; throws {@link IllegalArgumentException} if it does not compile. */
  MatchCondition compile(String expression);

  /**
   * A compiler that compiles nothing: until CEL is plugged in, every webhook that has
   * {@code matchConditions} is skipped (and logged when the configuration is loaded).
   */
  static MatchConditionCompiler none() {
    return expression -> {
      throw new IllegalArgumentException("CEL match conditions are not supported");
    };
  }
}
