package dev.keelson.admission.cel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.NullValue;
import dev.cel.runtime.CelVariableResolver;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.auth.authn.UserInfo;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The values one evaluation sees, as Kubernetes binds them:
 *
 * <pre>
 *   object           the object after the write (null on DELETE)
 *   oldObject        the object before the write (null on CREATE)
 *   request          AdmissionReview's request: kind{group,version,kind},
 *                    resource{group,version,resource}, subResource, requestKind,
 *                    requestResource, requestSubResource, name, namespace, operation,
 *                    userInfo{username,uid,groups,extra}, dryRun (empty strings and lists
 *                    are absent, as Go's omitempty leaves them out)
 *   params           the binding's parameter object, or null
 *   namespaceObject  the request's Namespace (metadata, spec, status), or null
 *   variables        the composited variables, each evaluated when first read
 * </pre>
 *
 * <p>An activation belongs to one thread. Its cost budget is shared by every expression
 * evaluated against it (Kubernetes gives one budget to all expressions of a policy); once spent,
 * every further evaluation fails with {@link CelEvalException#outOfBudget()}.
 */
public final class CelActivation {
  static final String OBJECT = "object";
  static final String OLD_OBJECT = "oldObject";
  static final String REQUEST = "request";
  static final String PARAMS = "params";
  static final String NAMESPACE_OBJECT = "namespaceObject";
  static final String VARIABLES = "variables";

  private final RequestValues request;
  private final Object params;
  private final Object namespaceObject;
  private final Map<String, Variable> variables;
  /** Values (or failures) of the variables read so far. */
  private final Map<String, Object> variableValues = new HashMap<>();
  private final Set<String> evaluating = new HashSet<>();
  private final Map<String, Object> variablesView = new LazyVariables();
  private long remaining;

  private CelActivation(RequestValues request, ObjectNode params, ObjectNode namespaceObject,
      List<Variable> variables, long budget) {
    this.request = request;
    this.params = params == null ? NullValue.NULL_VALUE : JsonValues.toCel(params);
    this.namespaceObject = namespaceObject == null ? NullValue.NULL_VALUE
        : JsonValues.toCel(namespaceView(namespaceObject));
    this.variables = new LinkedHashMap<>();
    for (Variable v : variables) {
      this.variables.put(v.name(), v);
    }
    this.remaining = budget;
  }

  /** The request alone: no params, no namespace, no variables (webhook matchConditions). */
  public static CelActivation of(AdmissionRequest r) {
    return of(r, AdmissionCel.DEFAULT_COST_BUDGET);
  }

  public static CelActivation of(AdmissionRequest r, long costBudget) {
    return new CelActivation(new RequestValues(r), null, null, List.of(), costBudget);
  }

  /**
   * Another activation for the same request, with its own budget of {@code costBudget}: the
   * request's values are converted once and shared.
   */
  public CelActivation with(ObjectNode params, ObjectNode namespaceObject,
      List<Variable> variables, long costBudget) {
    return new CelActivation(request, params, namespaceObject, variables, costBudget);
  }

  /** The budget left, in steps. */
  public long remainingBudget() {
    return Math.max(0, remaining);
  }

  void spend(long steps) {
    remaining -= steps;
    if (remaining < 0) {
      throw new CompiledExpression.OutOfBudget("cost budget exceeded");
    }
  }

  void checkBudget() throws CelEvalException {
    if (remaining < 0) {
      throw new CelEvalException("cost budget exceeded", true);
    }
  }

  CelVariableResolver resolver() {
    return name -> switch (name) {
      case OBJECT -> Optional.of(request.object());
      case OLD_OBJECT -> Optional.of(request.oldObject());
      case REQUEST -> Optional.of(request.request());
      case PARAMS -> Optional.of(params);
      case NAMESPACE_OBJECT -> Optional.of(namespaceObject);
      case VARIABLES -> Optional.of(variablesView);
      default -> Optional.empty();
    };
  }

  /** Kubernetes shows expressions only these parts of the Namespace. */
  private static ObjectNode namespaceView(ObjectNode ns) {
    ObjectNode view = ns.objectNode();
    if (ns.has("metadata")) {
      ObjectNode metadata = ns.get("metadata").deepCopy();
      metadata.remove("managedFields");
      view.set("metadata", metadata);
    }
    if (ns.has("spec")) {
      view.set("spec", ns.get("spec"));
    }
    if (ns.has("status")) {
      view.set("status", ns.get("status"));
    }
    return view;
  }

  private Object variable(String name) {
    if (variableValues.containsKey(name)) {
      Object v = variableValues.get(name);
      if (v instanceof CelEvalException failure) {
        throw new CompiledExpression.VariableFailed(failure);
      }
      return v;
    }
    Variable v = variables.get(name);
    if (v.compileError() != null) {
      CelEvalException failure = new CelEvalException("composited variable \"" + name
          + "\" fails to compile: " + v.compileError(), false);
      variableValues.put(name, failure);
      throw new CompiledExpression.VariableFailed(failure);
    }
    if (!evaluating.add(name)) {
      throw new CompiledExpression.VariableFailed(
          new CelEvalException("variable '" + name + "' refers to itself", false));
    }
    try {
      Object value = v.expression().evaluate(this);
      Object cel = value == null ? NullValue.NULL_VALUE : value;
      variableValues.put(name, cel);
      return cel;
    } catch (CelEvalException failure) {
      CelEvalException wrapped = failure.outOfBudget() ? failure
          : new CelEvalException("composited variable \"" + name + "\" fails to evaluate: "
              + failure.getMessage(), false);
      variableValues.put(name, wrapped);
      throw new CompiledExpression.VariableFailed(wrapped);
    } finally {
      evaluating.remove(name);
    }
  }

  /** {@code variables}: a map whose values are computed on first read. */
  private final class LazyVariables extends AbstractMap<String, Object> {
    @Override
    public boolean containsKey(Object key) {
      return variables.containsKey(key);
    }

    @Override
    public Object get(Object key) {
      return variables.containsKey(key) ? variable((String) key) : null;
    }

    @Override
    public int size() {
      return variables.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Set<Entry<String, Object>> entries = new LinkedHashSet<>();
      for (String name : variables.keySet()) {
        entries.add(new SimpleImmutableEntry<>(name, variable(name)));
      }
      return entries;
    }
  }

  /** The request's own values, converted on first use and shared by its activations. */
  private static final class RequestValues {
    private final AdmissionRequest r;
    private Object object;
    private Object oldObject;
    private Object request;

    RequestValues(AdmissionRequest r) {
      this.r = r;
    }

    Object object() {
      if (object == null) {
        object = JsonValues.toCel(r.object());
      }
      return object;
    }

    Object oldObject() {
      if (oldObject == null) {
        oldObject = JsonValues.toCel(r.oldObject());
      }
      return oldObject;
    }

    Object request() {
      if (request == null) {
        request = requestMap(r);
      }
      return request;
    }

    private static Map<String, Object> requestMap(AdmissionRequest r) {
      Map<String, Object> kind = Map.of("group", nz(r.group()), "version", nz(r.version()),
          "kind", nz(r.kind()));
      Map<String, Object> resource = Map.of("group", nz(r.group()), "version",
          nz(r.version()), "resource", nz(r.resource()));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind);
      m.put("resource", resource);
      putIfNotEmpty(m, "subResource", r.subresource());
      m.put("requestKind", kind);
      m.put("requestResource", resource);
      putIfNotEmpty(m, "requestSubResource", r.subresource());
      putIfNotEmpty(m, "name", r.name());
      putIfNotEmpty(m, "namespace", r.namespace());
      m.put("operation", r.operation().name());
      m.put("userInfo", userInfo(r.user()));
      m.put("dryRun", r.dryRun());
      return Map.copyOf(m);
    }

    private static Map<String, Object> userInfo(UserInfo u) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (u == null) {
        return Map.of();
      }
      putIfNotEmpty(m, "username", u.name());
      putIfNotEmpty(m, "uid", u.uid());
      if (!u.groups().isEmpty()) {
        m.put("groups", u.groups());
      }
      if (!u.extra().isEmpty()) {
        m.put("extra", u.extra());
      }
      return Map.copyOf(m);
    }

    private static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
      if (value != null && !value.isEmpty()) {
        m.put(key, value);
      }
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }
  }
}
