package dev.keelson.admission.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.auth.authn.UserInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admission CEL environment, evaluated for real by cel-java. */
@Timeout(30)
class AdmissionCelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AdmissionCel CEL = new AdmissionCel();

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static AdmissionRequest deployment(Operation op, ObjectNode object, ObjectNode old) {
    UserInfo alice = new UserInfo("alice", "u-1", List.of("devs", "system:authenticated"),
        Map.of("scopes", List.of("a", "b")));
    return new AdmissionRequest(op, "apps", "v1", "Deployment", "deployments", "", "team-a",
        "web", object, old, alice, false);
  }

  private static final ObjectNode WEB = json("{'metadata':{'name':'web','labels':{'app':'web'}},"
      + "'spec':{'replicas':3,'ratio':1.5,'template':{'spec':{'containers':["
      + "{'name':'nginx','image':'nginx:1.27'},{'name':'side','image':'busybox'}]}}}}");

  private static Object eval(String expression, AdmissionRequest r) throws Exception {
    return CEL.compile(expression, AdmissionCel.ResultType.ANY).evaluate(CelActivation.of(r));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "object.spec.replicas <= 5",
      "object.spec.replicas == 3.0",
      "object.spec.ratio > 1",
      "has(object.metadata.labels) && object.metadata.labels.app == 'web'",
      "!has(object.spec.paused)",
      "object.spec.template.spec.containers.all(c, c.image.contains(':') || c.name == 'side')",
      "object.spec.template.spec.containers.exists(c, c.name == 'nginx')",
      "object.spec.template.spec.containers.map(c, c.name) == ['nginx', 'side']",
      "size(object.spec.template.spec.containers.filter(c, c.image.startsWith('nginx'))) == 1",
      "object.metadata.name.matches('^w[a-z]+$')",
      "object.metadata.name.upperAscii() == 'WEB' && 'a,b'.split(',').size() == 2",
      "oldObject == null",
      "request.operation == 'CREATE' && request.kind.kind == 'Deployment'",
      "request.resource.group == 'apps' && request.resource.resource == 'deployments'",
      "request.namespace == 'team-a' && request.name == 'web' && !request.dryRun",
      "request.userInfo.username == 'alice' && 'devs' in request.userInfo.groups",
      "request.userInfo.extra.scopes == ['a', 'b']",
      "!has(request.subResource)",
      "params == null && namespaceObject == null",
      "object.?spec.?paused.orValue(false) == false",
      "sets.contains([1, 2, 3], [2])",
      "math.greatest(1, 5, 3) == 5",
      "cel.bind(c, object.spec.template.spec.containers, c.size() == 2)",
      "'nginx:1.27'.indexOf(':') == 5 && ['a', 'b'].join('-') == 'a-b' && ' x '.trim() == 'x'",
      "[[1], [2, 3]].flatten() == [1, 2, 3]",
      "duration('1h') > duration('59m') && timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')",
      "base64.encode(b'hi') == 'aGk='",
  })
  void evaluatesKubernetesStyleExpressions(String expression) throws Exception {
    assertThat(eval(expression, deployment(Operation.CREATE, WEB, null))).isEqualTo(true);
  }

  @Test
  void presentsValuesAsPlainJava() throws Exception {
    AdmissionRequest r = deployment(Operation.CREATE, WEB, null);
    assertThat(eval("object.spec.replicas", r)).isEqualTo(3L);
    assertThat(eval("object.spec.ratio", r)).isEqualTo(1.5);
    assertThat(eval("object.metadata.labels", r)).isEqualTo(Map.of("app", "web"));
    assertThat(eval("oldObject", r)).isNull();
  }

  @Test
  void readingAMissingFieldWithoutHasIsAnError() throws Exception {
    CompiledExpression e = CEL.compile("object.spec.paused == false",
        AdmissionCel.ResultType.BOOL);
    assertThatThrownBy(() -> e.evaluate(CelActivation.of(deployment(Operation.CREATE, WEB,
        null))))
        .isInstanceOfSatisfying(CelEvalException.class, x -> {
          assertThat(x.outOfBudget()).isFalse();
          assertThat(x.getMessage()).contains("paused");
        });
  }

  @Test
  void aSyntaxErrorOrAWrongResultTypeDoesNotCompile() {
    assertThatThrownBy(() -> CEL.compileCondition("object.spec.replicas <"))
        .isInstanceOf(CelCompileException.class);
    assertThatThrownBy(() -> CEL.compileCondition("'a string'"))
        .isInstanceOf(CelCompileException.class).hasMessageContaining("must evaluate to bool");
    assertThatThrownBy(() -> CEL.compileCondition("undeclared.field"))
        .isInstanceOf(CelCompileException.class);
  }

  @Test
  void aDynamicResultOfTheWrongTypeFailsAtEvaluation() throws Exception {
    CompiledCondition c = CEL.compileCondition("object.metadata.name");
    assertThatThrownBy(() -> c.test(deployment(Operation.CREATE, WEB, null)))
        .isInstanceOf(CelEvalException.class).hasMessageContaining("expected a bool");
  }

  @Test
  void compiledExpressionsAreCachedByText() throws Exception {
    assertThat(CEL.compile("object.spec.replicas > 1", AdmissionCel.ResultType.BOOL))
        .isSameAs(CEL.compile("object.spec.replicas > 1", AdmissionCel.ResultType.BOOL));
  }

  @Test
  void aRunawayExpressionRunsOutOfBudgetInsteadOfHanging() throws Exception {
    String ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
    // 10^9 iterations if unbounded
    String runaway = ten + ".all(a, " + ten + ".all(b, " + ten + ".all(c, " + ten + ".all(d, "
        + ten + ".all(e, " + ten + ".all(f, " + ten + ".all(g, " + ten + ".all(h, "
        + ten + ".all(i, true)))))))))";
    CompiledCondition c = CEL.compileCondition(runaway);
    CelActivation activation = CelActivation.of(deployment(Operation.CREATE, WEB, null));
    assertThatThrownBy(() -> c.test(activation))
        .isInstanceOfSatisfying(CelEvalException.class,
            x -> assertThat(x.outOfBudget()).isTrue());
    assertThat(activation.remainingBudget()).isZero();
    // the activation stays spent: nothing more runs against it
    assertThatThrownBy(() -> CEL.compileCondition("true").test(activation))
        .isInstanceOfSatisfying(CelEvalException.class,
            x -> assertThat(x.outOfBudget()).isTrue());
  }

  @Test
  void aValueGrowingPastTheSizeLimitIsStopped() throws Exception {
    AdmissionCel small = new AdmissionCel(new AdmissionCel.Limits(1_000_000, 1000));
    CompiledCondition c = small.compileCondition(
        "cel.bind(a, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', "
            + "cel.bind(b, a + a + a + a + a + a + a + a, cel.bind(c, b + b + b + b, "
            + "size(c) > 0)))");
    assertThatThrownBy(() -> c.test(deployment(Operation.CREATE, WEB, null)))
        .isInstanceOfSatisfying(CelEvalException.class,
            x -> assertThat(x.outOfBudget()).isTrue());
  }

  @Test
  void variablesAreEvaluatedLazilyAndOnce() throws Exception {
    Variable images = new Variable("images", CEL.compile(
        "object.spec.template.spec.containers.map(c, c.image)", AdmissionCel.ResultType.ANY));
    Variable broken = new Variable("broken", CEL.compile("object.spec.nope",
        AdmissionCel.ResultType.ANY));
    CelActivation a = CelActivation.of(deployment(Operation.CREATE, WEB, null))
        .with(null, null, List.of(images, broken), 1000);
    assertThat(CEL.compileCondition("variables.images.all(i, i != '')").test(a)).isTrue();
    long afterFirst = a.remainingBudget();
    assertThat(CEL.compileCondition("size(variables.images) == 2").test(a)).isTrue();
    // the second read of images costs only the outer expression
    assertThat(afterFirst - a.remainingBudget()).isLessThan(10);
    assertThatThrownBy(() -> CEL.compileCondition("variables.broken == 1").test(a))
        .isInstanceOf(CelEvalException.class)
        .hasMessageContaining("composited variable \"broken\" fails to evaluate");
  }

  @Test
  void paramsAndTheNamespaceObjectAreBound() throws Exception {
    ObjectNode params = json("{'data':{'maxReplicas':'5'}}");
    ObjectNode ns = json("{'metadata':{'name':'team-a','labels':{'env':'prod'},"
        + "'managedFields':[{}]},'spec':{'finalizers':['kubernetes']}}");
    CelActivation a = CelActivation.of(deployment(Operation.CREATE, WEB, null))
        .with(params, ns, List.of(), 1000);
    assertThat(CEL.compileCondition("object.spec.replicas <= int(params.data.maxReplicas) && "
        + "namespaceObject.metadata.labels.env == 'prod' && "
        + "!has(namespaceObject.metadata.managedFields)").test(a)).isTrue();
  }

  @Test
  void matchConditionsFollowKubernetes() {
    AdmissionRequest r = deployment(Operation.UPDATE, WEB, WEB);
    MatchConditions none = MatchConditions.compile(CEL, List.of(
        new MatchConditions.Condition("broken", "object.spec.nope == 1"),
        new MatchConditions.Condition("not-alice", "request.userInfo.username != 'alice'")));
    // a false condition wins over an error
    assertThat(none.evaluate(CelActivation.of(r)))
        .isEqualTo(new MatchConditions.Result.NoMatch("not-alice"));
    MatchConditions error = MatchConditions.compile(CEL, List.of(
        new MatchConditions.Condition("broken", "object.spec.nope == 1"),
        new MatchConditions.Condition("update", "request.operation == 'UPDATE'")));
    assertThat(error.evaluate(CelActivation.of(r)))
        .isInstanceOfSatisfying(MatchConditions.Result.Error.class, e -> assertThat(e.message())
            .startsWith("expression 'object.spec.nope == 1' resulted in error: "));
    MatchConditions bad = MatchConditions.compile(CEL, List.of(
        new MatchConditions.Condition("syntax", "object.spec.(")));
    assertThat(bad.compileErrors()).hasSize(1);
    assertThat(bad.evaluate(CelActivation.of(r)))
        .isInstanceOfSatisfying(MatchConditions.Result.Error.class,
            e -> assertThat(e.message()).startsWith("compilation error: "));
    assertThat(MatchConditions.compile(CEL, List.of(
        new MatchConditions.Condition("update", "request.operation == 'UPDATE'")))
        .evaluate(CelActivation.of(r))).isEqualTo(new MatchConditions.Result.Match());
  }
}
