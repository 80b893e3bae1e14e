package dev.keelson.admission.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Collection;
import java.util.Map;

/**
 * One compiled expression, immutable and shared: evaluate it against any number of
 * activations, from any thread.
 */
public final class CompiledExpression {
  private final String expression;
  private final AdmissionCel.ResultType type;
  private final CelRuntime.Program program;
  private final AdmissionCel.Limits limits;

  CompiledExpression(String expression, AdmissionCel.ResultType type,
      CelRuntime.Program program, AdmissionCel.Limits limits) {
    this.expression = expression;
    this.type = type;
    this.program = program;
    this.limits = limits;
  }

  public String expression() {
    return expression;
  }

  /**
   * The value of the expression for {@code activation}: Boolean, Long, Double, String, a List,
   * a Map, or null; charged to the activation's cost budget.
   *
   * @throws CelEvalException if evaluation fails, the result is not of the compiled
   *     {@link AdmissionCel.ResultType}, or the activation's budget runs out
   */
  public Object evaluate(CelActivation activation) throws CelEvalException {
    activation.checkBudget();
    Object value;
    try {
      value = program.trace(activation.resolver(), (expr, result) -> charge(activation, result));
    } catch (CelEvaluationException e) {
      throw translate(e, e.getCause());
    } catch (OutOfBudget | VariableFailed e) {
      throw translate(e, e);
    }
    value = JsonValues.fromCel(value);
    if (type == AdmissionCel.ResultType.BOOL && !(value instanceof Boolean)) {
      throw new CelEvalException("expected a bool, got " + typeName(value), false);
    }
    if (type == AdmissionCel.ResultType.STRING && !(value instanceof String)) {
      throw new CelEvalException("expected a string, got " + typeName(value), false);
    }
    return value;
  }

  private void charge(CelActivation activation, Object result) {
    activation.spend(1);
    int size = result instanceof String s ? s.length()
        : result instanceof Collection<?> c ? c.size()
        : result instanceof Map<?, ?> m ? m.size() : 0;
    if (size > limits.maxValueSize()) {
      throw new OutOfBudget("a value of " + size + " characters or elements exceeds the limit of "
          + limits.maxValueSize());
    }
  }

  /**
   * Errors raised inside evaluation come back either raw or wrapped by cel-java: the cause
   * tells a budget overrun or a failed variable from an ordinary error.
   */
  private static CelEvalException translate(Exception e, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof OutOfBudget) {
        return new CelEvalException(t.getMessage(), true);
      }
      if (t instanceof VariableFailed v) {
        return v.failure;
      }
    }
    if (e instanceof CelEvaluationException ce
        && ce.getErrorCode() == dev.cel.common.CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
      return new CelEvalException(e.getMessage(), true);
    }
    return new CelEvalException(e.getMessage(), false);
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return expression;
  }

  /** Thrown through cel-java's evaluator to stop it; never escapes this package. */
  static final class OutOfBudget extends RuntimeException {
    OutOfBudget(String message) {
      super(message, null, false, false);
    }
  }

  /** A composited variable failed while an expression read it; carries that failure. */
  static final class VariableFailed extends RuntimeException {
    final CelEvalException failure;

    VariableFailed(CelEvalException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }
}
