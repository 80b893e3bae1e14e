package dev.keelson.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.admission.cel.CelActivation;
import dev.keelson.admission.cel.CelCompileException;
import dev.keelson.admission.cel.CelEvalException;
import dev.keelson.admission.cel.CompiledCondition;
import dev.keelson.admission.cel.CompiledExpression;
import dev.keelson.admission.cel.MatchConditions;
import dev.keelson.admission.cel.Variable;
import dev.keelson.admission.match.MatchResources;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A ValidatingAdmissionPolicy compiled once per update, and its evaluation for one request,
 * binding and param (Kubernetes' validator): matchConditions first (any false: the policy does
 * not apply), then every validation, each either passing or giving a {@link Decision}.
 *
 * <p>Expressions that do not compile do not stop the others: as in Kubernetes, each fails
 * when evaluated ("compilation error: ...") and the failurePolicy decides, so a broken policy
 * with Fail refuses what it matches rather than silently letting it through.
 */
final class CompiledPolicy {
  /** Kubernetes' MaxEvaluatedMessageExpressionSizeBytes. */
  static final int MAX_MESSAGE_BYTES = 5 * 1024;
  static final String OUT_OF_BUDGET = "validation failed due to running out of cost budget, "
      + "no further validation rules will be run";

  record ParamKind(String apiVersion, String kind) {
  }

  record Validation(String expression, CompiledCondition condition, String compileError,
      String message, CompiledExpression messageExpression, String reason) {
  }

  final String name;
  /** failurePolicy Ignore: errors admit; Fail (the default): errors deny. */
  final boolean failOpen;
  final ParamKind paramKind;
  final MatchResources matchConstraints;
  final MatchConditions matchConditions;
  final List<Variable> variables;
  final List<Validation> validations;
  /** Set when the policy cannot be used at all (an invalid selector). */
  final String configurationError;
  final List<String> compileErrors;

  private CompiledPolicy(String name, boolean failOpen, ParamKind paramKind,
      MatchResources matchConstraints, MatchConditions matchConditions, List<Variable> variables,
      List<Validation> validations, String configurationError, List<String> compileErrors) {
    this.name = name;
    this.failOpen = failOpen;
    this.paramKind = paramKind;
    this.matchConstraints = matchConstraints;
    this.matchConditions = matchConditions;
    this.variables = List.copyOf(variables);
    this.validations = List.copyOf(validations);
    this.configurationError = configurationError;
    this.compileErrors = List.copyOf(compileErrors);
  }

  static CompiledPolicy compile(ObjectNode policy, AdmissionCel cel) {
    String name = policy.path("metadata").path("name").asText();
    JsonNode spec = policy.path("spec");
    boolean failOpen = "Ignore".equals(spec.path("failurePolicy").asText("Fail"));
    JsonNode pk = spec.get("paramKind");
    ParamKind paramKind = pk == null || pk.isNull() ? null
        : new ParamKind(pk.path("apiVersion").asText(), pk.path("kind").asText());
    List<String> errors = new ArrayList<>();

    MatchResources match = MatchResources.everything();
    String configurationError = null;
    try {
      match = MatchResources.parse(spec.get("matchConstraints"));
    } catch (IllegalArgumentException e) {
      configurationError = e.getMessage();
      errors.add("spec.matchConstraints: " + e.getMessage());
    }

    List<MatchConditions.Condition> conditions = new ArrayList<>();
    spec.path("matchConditions").forEach(c -> conditions.add(new MatchConditions.Condition(
        c.path("name").asText(), c.path("expression").asText())));
    MatchConditions matchConditions = MatchConditions.compile(cel, conditions);
    matchConditions.compileErrors().forEach(e -> errors.add("spec.matchConditions " + e));

    List<Variable> variables = new ArrayList<>();
    for (JsonNode v : spec.path("variables")) {
      String varName = v.path("name").asText();
      try {
        variables.add(new Variable(varName, cel.compile(v.path("expression").asText(),
            AdmissionCel.ResultType.ANY)));
      } catch (CelCompileException e) {
        variables.add(Variable.failed(varName, e.getMessage()));
        errors.add("spec.variables " + varName + ": " + e.getMessage());
      }
    }

    List<Validation> validations = new ArrayList<>();
    int i = 0;
    for (JsonNode v : spec.path("validations")) {
      String expression = v.path("expression").asText();
      CompiledCondition condition = null;
      String compileError = null;
      try {
        condition = cel.compileCondition(expression);
      } catch (CelCompileException e) {
        compileError = e.getMessage();
        errors.add("spec.validations[" + i + "].expression: " + e.getMessage());
      }
      CompiledExpression messageExpression = null;
      String me = v.path("messageExpression").asText("");
      if (!me.isEmpty()) {
        try {
          messageExpression = cel.compile(me, AdmissionCel.ResultType.STRING);
        } catch (CelCompileException e) {
          errors.add("spec.validations[" + i + "].messageExpression: " + e.getMessage());
        }
      }
      validations.add(new Validation(expression, condition, compileError,
          v.path("message").asText(""), messageExpression,
          v.path("reason").asText(Decision.INVALID)));
      i++;
    }
    return new CompiledPolicy(name, failOpen, paramKind, match, matchConditions, variables,
        validations, configurationError, errors);
  }

  /**
   * The failed validations for one activation (the request with one param), in order. Errors
   * give decisions only under failurePolicy Fail. An exhausted budget ends the evaluation with
   * that one error, as Kubernetes.
   */
  List<Decision> evaluate(CelActivation activation) {
    if (!matchConditions.isEmpty()) {
      MatchConditions.Result match = matchConditions.evaluate(activation);
      if (match instanceof MatchConditions.Result.NoMatch) {
        return List.of();
      }
      if (match instanceof MatchConditions.Result.Error e) {
        return failOpen ? List.of() : List.of(Decision.error(e.message()));
      }
    }
    List<Decision> decisions = new ArrayList<>();
    for (Validation v : validations) {
      if (v.compileError() != null) {
        addError(decisions, "compilation error: " + v.compileError());
        continue;
      }
      boolean valid;
      try {
        valid = v.condition().test(activation);
      } catch (CelEvalException e) {
        if (e.outOfBudget()) {
          return failOpen ? List.of() : List.of(Decision.error(OUT_OF_BUDGET));
        }
        addError(decisions, "expression '" + v.expression() + "' resulted in error: "
            + e.getMessage());
        continue;
      }
      if (!valid) {
        Decision d = deny(v, activation);
        if (d != null) {
          decisions.add(d);
        }
      }
    }
    return decisions;
  }

  private void addError(List<Decision> decisions, String message) {
    if (!failOpen) {
      decisions.add(Decision.error(message));
    }
  }

  /**
   * The message of a failed validation: messageExpression, else message, else the rule; null
   * when the messageExpression exhausts the budget under failurePolicy Ignore.
   */
  private Decision deny(Validation v, CelActivation activation) {
    String message = "";
    if (v.messageExpression() != null) {
      try {
        message = ((String) v.messageExpression().evaluate(activation)).strip();
        if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES
            || message.contains("\n")) {
          message = "";
        }
      } catch (CelEvalException e) {
        if (e.outOfBudget()) {
          return failOpen ? null : Decision.error("failed messageExpression: " + OUT_OF_BUDGET);
        }
        // as Kubernetes: a failed messageExpression falls back to message
      }
    }
    if (message.isEmpty()) {
      message = v.message().strip();
    }
    if (message.isEmpty()) {
      message = "failed expression: " + v.expression().strip();
    }
    return new Decision(message, v.reason());
  }
}
