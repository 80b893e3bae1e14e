package dev.keelson.admission.cel;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of named conditions with Kubernetes' matchConditions semantics (webhooks and
 * ValidatingAdmissionPolicy): the request matches when every condition is true; any false
 * condition means no match, even if others failed; otherwise a failure (an evaluation error,
 * a condition that did not compile, an exhausted budget) is an {@link Result.Error}, which
 * the caller resolves with its failurePolicy (Fail refuses the request, Ignore skips).
 */
public final class MatchConditions {
  /** One {@code matchConditions} entry. */
  public record Condition(String name, String expression) {
  }

  /** The outcome of {@link #evaluate}. */
  public sealed interface Result {
    record Match() implements Result {
    }

    record NoMatch(String failedCondition) implements Result {
    }

    record Error(String message) implements Result {
    }
  }

  private record Entry(Condition condition, CompiledCondition compiled, String compileError) {
  }

  private final List<Entry> entries;

  private MatchConditions(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Compiles every condition; one that does not compile fails each evaluation, as Kubernetes. */
  public static MatchConditions compile(AdmissionCel cel, List<Condition> conditions) {
    List<Entry> entries = new ArrayList<>();
    for (Condition c : conditions) {
      try {
        entries.add(new Entry(c, cel.compileCondition(c.expression()), null));
      } catch (CelCompileException e) {
        entries.add(new Entry(c, null, e.getMessage()));
      }
    }
    return new MatchConditions(entries);
  }

  /** The compile errors, as "name: message", for a status or a log line. */
  public List<String> compileErrors() {
    List<String> errors = new ArrayList<>();
    for (Entry e : entries) {
      if (e.compileError() != null) {
        errors.add(e.condition().name() + ": " + e.compileError());
      }
    }
    return errors;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public Result evaluate(CelActivation activation) {
    List<String> errors = new ArrayList<>();
    for (Entry e : entries) {
      if (e.compiled() == null) {
        errors.add("compilation error: " + e.compileError());
        continue;
      }
      try {
        if (!e.compiled().test(activation)) {
          return new Result.NoMatch(e.condition().name());
        }
      } catch (CelEvalException failure) {
        if (failure.outOfBudget()) {
          return new Result.Error("validation failed due to running out of cost budget, "
              + "no further validation rules will be run");
        }
        errors.add("expression '" + e.condition().expression() + "' resulted in error: "
            + failure.getMessage());
      }
    }
    if (errors.isEmpty()) {
      return new Result.Match();
    }
    // Kubernetes' error aggregate: one message alone, several in brackets
    return new Result.Error(errors.size() == 1 ? errors.get(0)
        : "[" + String.join(", ", errors) + "]");
  }
}
