package dev.keelson.admission.cel;

/**
 * A composited variable (a policy's {@code spec.variables} entry): expressions read it as
 * {@code variables.<name>}. It is evaluated when first read, at most once per activation. A
 * variable that did not compile ({@link #failed}) fails every expression that reads it, as in
 * Kubernetes.
 */
public record Variable(String name, CompiledExpression expression, String compileError) {
  public Variable {
    if (name == null || name.isEmpty() || (expression == null) == (compileError == null)) {
      throw new IllegalArgumentException("a variable needs a name and an expression or error");
    }
  }

  public Variable(String name, CompiledExpression expression) {
    this(name, expression, null);
  }

  /** A variable whose expression did not compile. */
  public static Variable failed(String name, String compileError) {
    return new Variable(name, null, compileError);
  }
}
