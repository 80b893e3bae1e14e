package dev.keelson.admission.cel;

/**
 * An expression that failed at run time: a missing field read without {@code has()}, a type
 * mismatch, a division by zero, or the evaluation ran out of its cost budget
 * ({@link #outOfBudget()}), after which no further expression of the activation runs.
 */
public final class CelEvalException extends Exception {
  private final boolean outOfBudget;

  CelEvalException(String message, boolean outOfBudget) {
    super(message);
    this.outOfBudget = outOfBudget;
  }

  public boolean outOfBudget() {
    return outOfBudget;
  }
}
