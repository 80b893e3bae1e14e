/**
 * CEL for admission, as Kubernetes evaluates it in ValidatingAdmissionPolicy and in webhook
 * matchConditions, on cel-java.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 *   AdmissionCel cel = new AdmissionCel();                    // one per master
 *   CompiledCondition c = cel.compileCondition(expression);   // throws CelCompileException
 *   boolean applies = c.test(request);                        // throws CelEvalException
 * }</pre>
 *
 * {@link dev.keelson.admission.cel.MatchConditions} applies Kubernetes' matchConditions rules
 * to a list of them (false wins over errors; errors go to the caller's failurePolicy).
 *
 * <h2>Variables</h2>
 *
 * {@code object}, {@code oldObject}, {@code request}, {@code params}, {@code namespaceObject}
 * and {@code variables}, described in {@link dev.keelson.admission.cel.CelActivation}. All are
 * dynamically typed: JSON objects are maps, so a field is read as {@code object.spec.replicas}
 * and tested with {@code has(object.spec.replicas)}; reading a missing field is an evaluation
 * error, as in Kubernetes.
 *
 * <h2>Functions</h2>
 *
 * CEL's standard definitions and macros ({@code has}, {@code size}, {@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}, {@code matches} (RE2),
 * {@code in}, conversions {@code int()}, {@code string()}, {@code double()},
 * {@code duration()}, {@code timestamp()}), cel-java's extensions: strings ({@code charAt},
 * {@code indexOf}, {@code lastIndexOf}, {@code lowerAscii}, {@code upperAscii},
 * {@code replace}, {@code split}, {@code substring}, {@code trim}, {@code join}; not
 * {@code format}, {@code quote}, {@code reverse}), lists ({@code flatten}),
 * sets ({@code sets.contains}, {@code sets.equivalent}, {@code sets.intersects}), math
 * ({@code math.greatest}, {@code math.least}), encoders ({@code base64.encode/decode}),
 * bindings ({@code cel.bind}) and optionals ({@code obj.?field.orValue(x)}). Numbers compare
 * across int and double ({@code 1 == 1.0}), as cel-go does in Kubernetes.
 *
 * <p>Not available (Kubernetes' own libraries): {@code quantity()}, {@code url()},
 * {@code ip()}, {@code cidr()}, {@code semver()}, {@code format.*}, the {@code authorizer}
 * variable, the list library's {@code isSorted}/{@code sum}/{@code min}/{@code max}/
 * {@code indexOf}, and the regex library's {@code find}/{@code findAll}. An expression using
 * them does not compile. Unlike Kubernetes, {@code params} is declared even for policies
 * without paramKind (it is null there), and {@code variables.x} naming an undefined variable
 * fails at evaluation rather than at compilation.
 *
 * <h2>Cost bound</h2>
 *
 * Kubernetes estimates cost at compile time and meters it at run time. cel-java has no cost
 * model, so evaluation is metered in steps instead: every evaluated node of the expression
 * tree, including each iteration of a macro body, is one step, charged to the activation's
 * budget ({@link dev.keelson.admission.cel.AdmissionCel#DEFAULT_COST_BUDGET}, 10 million
 * steps, roughly half a second, shared by all expressions of one policy evaluation as
 * Kubernetes shares its 10 million cost units). A value an expression builds may not exceed
 * {@link dev.keelson.admission.cel.AdmissionCel#DEFAULT_MAX_VALUE_SIZE} characters or
 * elements, which stops memory blow-ups ({@code cel.bind} or variables doubling a string)
 * that take few steps. There is no compile-time estimate: an expensive expression is found
 * when it runs out of budget, not when the policy is written.
 */
package dev.keelson.admission.cel;
