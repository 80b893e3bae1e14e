package dev.keelson.admission.cel;

import dev.keelson.admission.AdmissionRequest;

/** A compiled boolean expression (a matchCondition, a validation). Immutable and shared. */
public final class CompiledCondition {
  private final CompiledExpression expression;

  CompiledCondition(CompiledExpression expression) {
    this.expression = expression;
  }

  public String expression() {
    return expression.expression();
  }

  /**
   * Whether the condition holds for {@code activation}.
   *
   * @throws CelEvalException if it fails to evaluate or does not yield a bool
   */
  public boolean test(CelActivation activation) throws CelEvalException {
    return (Boolean) expression.evaluate(activation);
  }

  /** Whether the condition holds for {@code r} alone (no params, namespace or variables). */
  public boolean test(AdmissionRequest r) throws CelEvalException {
    return test(CelActivation.of(r));
  }

  @Override
  public String toString() {
    return expression.expression();
  }
}
