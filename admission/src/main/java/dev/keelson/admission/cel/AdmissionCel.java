package dev.keelson.admission.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CEL environment of admission, as Kubernetes' (ValidatingAdmissionPolicy, webhook
 * matchConditions): expressions see {@code object}, {@code oldObject}, {@code request},
 * {@code params}, {@code namespaceObject} and {@code variables} (see {@link CelActivation}),
 * all dynamically typed. See the package documentation for the functions and the cost bound.
 *
 * <p>Compiling is slow next to evaluating, so compiled expressions are cached by text and kind:
 * re-reading an unchanged policy costs a map lookup. Compiled expressions are immutable and
 * safe to evaluate from many threads. The cache is bounded ({@link #CACHE_SIZE}, least
 * recently used first out).
 */
public final class AdmissionCel {
  /** Cost budget of one activation, in evaluation steps, as Kubernetes' RuntimeCELCostBudget. */
  public static final long DEFAULT_COST_BUDGET = 10_000_000L;
  /** The longest string and the largest list or map an expression may build. */
  public static final int DEFAULT_MAX_VALUE_SIZE = 4 * 1024 * 1024;
  static final int CACHE_SIZE = 4096;

  /** What a compiled expression must evaluate to. */
  public enum ResultType { BOOL, STRING, ANY }

  /**
   * Bounds of evaluation: {@code costBudget} steps per activation (every evaluated node of the
   * expression tree, including each iteration of a macro, is one step), and no string, list or
   * map produced by an expression may exceed {@code maxValueSize} characters or elements.
   */
  public record Limits(long costBudget, int maxValueSize) {
    public Limits {
      if (costBudget <= 0 || maxValueSize <= 0) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }

    public static Limits defaults() {
      return new Limits(DEFAULT_COST_BUDGET, DEFAULT_MAX_VALUE_SIZE);
    }
  }

  private record Key(String expression, ResultType type) {
  }

  private final Cel cel;
  private final Limits limits;
  /** Guarded by itself; access order, so the eldest entry is the least recently used. */
  private final Map<Key, CompiledExpression> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CompiledExpression> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  public AdmissionCel() {
    this(Limits.defaults());
  }

  public AdmissionCel(Limits limits) {
    this.limits = limits;
    CelOptions options = CelOptions.current()
        // 1 == 1.0 and 1 < 1.5, as cel-go in Kubernetes
        .enableHeterogeneousNumericComparisons(true)
        // a second, cheaper guard behind the step budget
        .comprehensionMaxIterations((int) Math.min(Integer.MAX_VALUE, limits.costBudget()))
        .build();
    this.cel = CelFactory.standardCelBuilder()
        .setOptions(options)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addCompilerLibraries(CelExtensions.strings(), CelExtensions.lists(),
            CelExtensions.sets(options), CelExtensions.math(options), CelExtensions.encoders(),
            CelExtensions.bindings(), CelOptionalLibrary.INSTANCE)
        .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.lists(),
            CelExtensions.sets(options), CelExtensions.math(options), CelExtensions.encoders(),
            CelOptionalLibrary.INSTANCE)
        .addVar(CelActivation.OBJECT, SimpleType.DYN)
        .addVar(CelActivation.OLD_OBJECT, SimpleType.DYN)
        .addVar(CelActivation.REQUEST, SimpleType.DYN)
        .addVar(CelActivation.PARAMS, SimpleType.DYN)
        .addVar(CelActivation.NAMESPACE_OBJECT, SimpleType.DYN)
        .addVar(CelActivation.VARIABLES, MapType.create(SimpleType.STRING, SimpleType.DYN))
        .build();
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Compiles {@code expression}, which must be able to evaluate to {@code type} (an expression
   * of dynamic type passes here and is checked when evaluated).
   */
  public CompiledExpression compile(String expression, ResultType type)
      throws CelCompileException {
    Key key = new Key(expression, type);
    synchronized (cache) {
      CompiledExpression cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
    }
    CompiledExpression compiled = doCompile(expression, type);
    synchronized (cache) {
      cache.put(key, compiled);
    }
    return compiled;
  }

  /** A boolean expression: a matchCondition, a validation, a webhook's condition. */
  public CompiledCondition compileCondition(String expression) throws CelCompileException {
    return new CompiledCondition(compile(expression, ResultType.BOOL));
  }

  private CompiledExpression doCompile(String expression, ResultType type)
      throws CelCompileException {
    if (expression == null || expression.isBlank()) {
      throw new CelCompileException("expression is empty");
    }
    CelValidationResult result = cel.compile(expression);
    if (result.hasError()) {
      throw new CelCompileException(result.getErrorString());
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      CelKind kind = ast.getResultType().kind();
      boolean fits = switch (type) {
        case BOOL -> kind == CelKind.BOOL || kind.isDyn();
        case STRING -> kind == CelKind.STRING || kind.isDyn();
        case ANY -> true;
      };
      if (!fits) {
        throw new CelCompileException("must evaluate to " + type.name().toLowerCase()
            + ", not " + ast.getResultType().name());
      }
      return new CompiledExpression(expression, type, cel.createProgram(ast), limits);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new CelCompileException(e.getMessage());
    }
  }
}
