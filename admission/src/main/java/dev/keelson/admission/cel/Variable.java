package dev.keelson.admission.cel;

/**
 * A composited variable (a policy's {@code spec.variables} entry): expressions read it as
 * {@code variables.<name>}. It is evaluated when first read, at most once per activation.
 */
public record Variable(String name, CompiledExpression expression) {
  public Variable {
    if (name == null || name.isEmpty() || expression == null) {
      throw new IllegalArgumentException("a variable needs a name and an expression");
    }
  }
}
