package dev.keelson.admission.policy;

import static dev.keelson.admission.InMemoryObjects.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.InMemoryObjects;
import dev.keelson.auth.authn.UserInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ValidatingAdmissionPolicy and its bindings, end to end through real CEL: the outcomes,
 * messages and codes kube-apiserver gives.
 */
@Timeout(60)
class ValidatingPoliciesTest {
  private static final String DEPLOYMENT_RULES = "'matchConstraints':{'resourceRules':[{"
      + "'apiGroups':['apps'],'apiVersions':['v1'],'operations':['CREATE','UPDATE'],"
      + "'resources':['deployments']}]}";
  private static final String MAX_FIVE = "'validations':[{'expression':'object.spec.replicas <= 5'}]";
  private static final String REFUSED = "deployments.apps \"web\" is forbidden: "
      + "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied "
      + "request: ";
  private static final UserInfo ALICE = new UserInfo("alice", "", List.of("devs"), Map.of());

  private final InMemoryObjects objects = new InMemoryObjects();
  private final ValidatingPolicies policies = new ValidatingPolicies(objects,
      (apiVersion, kind) -> apiVersion.equals("v1") && kind.equals("ConfigMap")
          ? Optional.of(new ParamKindResolver.ParamResource("", "configmaps", true))
          : Optional.empty());

  @BeforeEach
  void namespaces() {
    objects.put("", "namespaces", json("{'metadata':{'name':'team-a','labels':{'env':'prod'}}}"));
    objects.put("", "namespaces", json("{'metadata':{'name':'team-b','labels':{'env':'dev'}}}"));
  }

  static ObjectNode policy(String name, String spec) {
    return json("{'apiVersion':'admissionregistration.k8s.io/v1',"
        + "'kind':'ValidatingAdmissionPolicy','metadata':{'name':'" + name + "'},'spec':{"
        + spec + "}}");
  }

  static ObjectNode binding(String name, String policy, String spec) {
    return json("{'apiVersion':'admissionregistration.k8s.io/v1',"
        + "'kind':'ValidatingAdmissionPolicyBinding','metadata':{'name':'" + name + "'},"
        + "'spec':{'policyName':'" + policy + "'" + (spec.isEmpty() ? "" : "," + spec) + "}}");
  }

  static AdmissionRequest deployment(String namespace, int replicas) {
    return deployment(namespace, replicas, ALICE);
  }

  static AdmissionRequest deployment(String namespace, int replicas, UserInfo user) {
    ObjectNode d = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
        + "'namespace':'" + namespace + "','labels':{'app':'web'}},'spec':{'replicas':"
        + replicas + "}}");
    return new AdmissionRequest(Operation.CREATE, "apps", "v1", "Deployment", "deployments", "",
        namespace, "web", d, null, user, false);
  }

  private void maxReplicas(String policySpec, String bindingSpec) {
    policies.update(List.of(policy("max-replicas", policySpec)),
        List.of(binding("max-replicas-binding", "max-replicas", bindingSpec)));
  }

  private static AdmissionException refusal(Runnable validate) {
    try {
      validate.run();
    } catch (AdmissionException e) {
      return e;
    }
    throw new AssertionError("the request was admitted");
  }

  @Test
  void aDenyBindingRefusesAFailedValidationWithKubernetesMessageAndCode() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'validationActions':['Deny']");

    AdmissionException e = refusal(() -> policies.validate(deployment("team-a", 7)));
    assertThat(e.getMessage()).isEqualTo(REFUSED + "failed expression: object.spec.replicas <= 5");
    assertThat(e.code()).isEqualTo(422);
    assertThat(e.reason()).isEqualTo("Invalid");

    AdmissionRequest three = deployment("team-a", 3);
    assertThatCode(() -> policies.validate(three)).doesNotThrowAnyException();
    assertThat(three.effects().warnings()).isEmpty();
  }

  @Test
  void aWarnBindingAdmitsWithAWarning() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'validationActions':['Warn']");
    AdmissionRequest r = deployment("team-a", 7);
    policies.validate(r);
    assertThat(r.effects().warnings()).containsExactly("Validation failed for "
        + "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding': "
        + "failed expression: object.spec.replicas <= 5");
  }

  @Test
  void anAuditBindingAdmitsWithoutAWarning() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'validationActions':['Audit']");
    AdmissionRequest r = deployment("team-a", 7);
    policies.validate(r);
    assertThat(r.effects().warnings()).isEmpty();
  }

  @Test
  void warnAndAuditTogetherWarn() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'validationActions':['Warn','Audit']");
    AdmissionRequest r = deployment("team-a", 7);
    policies.validate(r);
    assertThat(r.effects().warnings()).hasSize(1);
  }

  @Test
  void messageExpressionThenMessageThenTheExpressionNameTheFailure() {
    maxReplicas(DEPLOYMENT_RULES + ",'validations':["
        + "{'expression':'object.spec.replicas <= 5','message':'static',"
        + "'messageExpression':'\\'replicas \\' + string(object.spec.replicas) + \\' > 5\\'',"
        + "'reason':'Forbidden'}]", "'validationActions':['Deny']");
    AdmissionException e = refusal(() -> policies.validate(deployment("team-a", 7)));
    assertThat(e.getMessage()).isEqualTo(REFUSED + "replicas 7 > 5");
    assertThat(e.code()).isEqualTo(403);
    assertThat(e.reason()).isEqualTo("Forbidden");

    // a failing messageExpression falls back to message
    maxReplicas(DEPLOYMENT_RULES + ",'validations':["
        + "{'expression':'object.spec.replicas <= 5','message':'  too many replicas ',"
        + "'messageExpression':'object.spec.missing'}]", "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 7))).getMessage())
        .isEqualTo(REFUSED + "too many replicas");
  }

  @Test
  void reasonsMapToTheirStatusCodes() {
    for (Map.Entry<String, Integer> reason : Map.of("Unauthorized", 401, "Forbidden", 403,
        "Invalid", 422, "RequestEntityTooLarge", 413).entrySet()) {
      maxReplicas(DEPLOYMENT_RULES + ",'validations':[{'expression':'false','reason':'"
          + reason.getKey() + "'}]", "'validationActions':['Deny']");
      AdmissionException e = refusal(() -> policies.validate(deployment("team-a", 1)));
      assertThat(e.code()).as(reason.getKey()).isEqualTo(reason.getValue());
      assertThat(e.reason()).isEqualTo(reason.getKey());
    }
  }

  @Test
  void paramsComeFromTheBindingsParamRef() {
    objects.put("", "configmaps", json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{"
        + "'name':'limits','namespace':'team-a'},'data':{'maxReplicas':'4'}}"));
    maxReplicas("'paramKind':{'apiVersion':'v1','kind':'ConfigMap'}," + DEPLOYMENT_RULES
        + ",'validations':[{'expression':'object.spec.replicas <= int(params.data.maxReplicas)',"
        + "'messageExpression':'\\'at most \\' + params.data.maxReplicas + \\' replicas\\''}]",
        "'paramRef':{'name':'limits','parameterNotFoundAction':'Deny'},"
            + "'validationActions':['Deny']");

    assertThat(refusal(() -> policies.validate(deployment("team-a", 5))).getMessage())
        .isEqualTo(REFUSED + "at most 4 replicas");
    assertThatCode(() -> policies.validate(deployment("team-a", 4)))
        .doesNotThrowAnyException();
  }

  @Test
  void aMissingParamDeniesOrAllowsByParameterNotFoundAction() {
    String policySpec = "'paramKind':{'apiVersion':'v1','kind':'ConfigMap'}," + DEPLOYMENT_RULES
        + ",'validations':[{'expression':'object.spec.replicas <= int(params.data.maxReplicas)'}]";
    maxReplicas(policySpec, "'paramRef':{'name':'limits','parameterNotFoundAction':'Deny'},"
        + "'validationActions':['Deny']");
    AdmissionException e = refusal(() -> policies.validate(deployment("team-a", 1)));
    assertThat(e.getMessage()).isEqualTo(REFUSED + "failed to configure binding: no params "
        + "found for policy binding with `Deny` parameterNotFoundAction");
    assertThat(e.code()).isEqualTo(422);

    maxReplicas(policySpec, "'paramRef':{'name':'limits','parameterNotFoundAction':'Allow'},"
        + "'validationActions':['Deny']");
    assertThatCode(() -> policies.validate(deployment("team-a", 100)))
        .doesNotThrowAnyException();
  }

  @Test
  void aParamSelectorEvaluatesThePolicyOncePerSelectedParam() {
    objects.put("", "configmaps", json("{'metadata':{'name':'a','namespace':'team-a',"
        + "'labels':{'limits':'yes'}},'data':{'maxReplicas':'10'}}"));
    objects.put("", "configmaps", json("{'metadata':{'name':'b','namespace':'team-a',"
        + "'labels':{'limits':'yes'}},'data':{'maxReplicas':'2'}}"));
    objects.put("", "configmaps", json("{'metadata':{'name':'c','namespace':'team-a'},"
        + "'data':{'maxReplicas':'1'}}"));
    maxReplicas("'paramKind':{'apiVersion':'v1','kind':'ConfigMap'}," + DEPLOYMENT_RULES
        + ",'validations':[{'expression':'object.spec.replicas <= int(params.data.maxReplicas)',"
        + "'messageExpression':'params.metadata.name + \\' allows \\' + params.data.maxReplicas"
        + " + \\' (\\' + params.kind + \\')\\''}]",
        "'paramRef':{'selector':{'matchLabels':{'limits':'yes'}}},'validationActions':['Warn']");
    AdmissionRequest r = deployment("team-a", 3);
    policies.validate(r);
    assertThat(r.effects().warnings()).singleElement().asString()
        .endsWith("b allows 2 (ConfigMap)");
  }

  @Test
  void anUnknownParamKindIsAPolicyError() {
    maxReplicas("'paramKind':{'apiVersion':'example.com/v1','kind':'Limits'},"
        + DEPLOYMENT_RULES + "," + MAX_FIVE,
        "'paramRef':{'name':'x'},'validationActions':['Warn']");
    AdmissionException e = refusal(() -> policies.validate(deployment("team-a", 1)));
    assertThat(e.getMessage()).isEqualTo("deployments.apps \"web\" is forbidden: "
        + "ValidatingAdmissionPolicy 'max-replicas' denied request: failed to configure policy: "
        + "failed to find resource referenced by paramKind: 'example.com/v1, Kind=Limits'");
    assertThat(e.code()).isEqualTo(422);
  }

  @Test
  void matchConditionsMustAllHoldForThePolicyToApply() {
    maxReplicas(DEPLOYMENT_RULES + ",'matchConditions':["
        + "{'name':'not-admin','expression':'request.userInfo.username != \\'admin\\''},"
        + "{'name':'creates','expression':'request.operation == \\'CREATE\\''}]," + MAX_FIVE,
        "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 7))).code()).isEqualTo(422);
    UserInfo admin = new UserInfo("admin", "", List.of(), Map.of());
    assertThatCode(() -> policies.validate(deployment("team-a", 7, admin)))
        .doesNotThrowAnyException();
  }

  @Test
  void aBindingsNamespaceSelectorNarrowsThePolicy() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'matchResources':{'namespaceSelector':{"
        + "'matchExpressions':[{'key':'env','operator':'In','values':['prod']}]}},"
        + "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 7))).code()).isEqualTo(422);
    assertThatCode(() -> policies.validate(deployment("team-b", 7)))
        .doesNotThrowAnyException();
  }

  @Test
  void aPolicysObjectSelectorMatchesTheObjectsLabels() {
    maxReplicas("'matchConstraints':{'objectSelector':{'matchLabels':{'app':'db'}},"
        + "'resourceRules':[{'apiGroups':['*'],'apiVersions':['*'],'operations':['*'],"
        + "'resources':['*']}]}," + MAX_FIVE, "'validationActions':['Deny']");
    assertThatCode(() -> policies.validate(deployment("team-a", 7)))
        .doesNotThrowAnyException();
    maxReplicas("'matchConstraints':{'objectSelector':{'matchLabels':{'app':'web'}},"
        + "'resourceRules':[{'apiGroups':['*'],'apiVersions':['*'],'operations':['*'],"
        + "'resources':['*']}]}," + MAX_FIVE, "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 7))).code()).isEqualTo(422);
  }

  @Test
  void resourceRulesSelectOperationsResourcesAndScope() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'validationActions':['Deny']");
    ObjectNode seven = deployment("team-a", 7).object();
    AdmissionRequest delete = new AdmissionRequest(Operation.DELETE, "apps", "v1", "Deployment",
        "deployments", "", "team-a", "web", null, seven, ALICE, false);
    AdmissionRequest scale = new AdmissionRequest(Operation.UPDATE, "apps", "v1", "Deployment",
        "deployments", "scale", "team-a", "web", seven, seven, ALICE, false);
    AdmissionRequest replicaSet = new AdmissionRequest(Operation.CREATE, "apps", "v1",
        "ReplicaSet", "replicasets", "", "team-a", "web", seven, null, ALICE, false);
    for (AdmissionRequest r : List.of(delete, scale, replicaSet)) {
      assertThatCode(() -> policies.validate(r)).as(r.operation() + " " + r.resource() + "/"
          + r.subresource()).doesNotThrowAnyException();
    }

    maxReplicas("'matchConstraints':{'resourceRules':[{'apiGroups':['apps'],'apiVersions':['*'],"
        + "'operations':['*'],'resources':['*'],'scope':'Cluster'}]}," + MAX_FIVE,
        "'validationActions':['Deny']");
    assertThatCode(() -> policies.validate(deployment("team-a", 7)))
        .doesNotThrowAnyException();

    maxReplicas("'matchConstraints':{'resourceRules':[{'apiGroups':['apps'],'apiVersions':['*'],"
        + "'operations':['*'],'resources':['*'],'scope':'Namespaced'}],"
        + "'excludeResourceRules':[{'apiGroups':['apps'],'apiVersions':['v1'],"
        + "'operations':['CREATE'],'resources':['deployments'],'resourceNames':['web']}]},"
        + MAX_FIVE, "'validationActions':['Deny']");
    assertThatCode(() -> policies.validate(deployment("team-a", 7)))
        .doesNotThrowAnyException();
  }

  @Test
  void variablesAreSharedByValidationsAndMessages() {
    maxReplicas(DEPLOYMENT_RULES + ",'variables':["
        + "{'name':'replicas','expression':'object.spec.replicas'},"
        + "{'name':'tooMany','expression':'variables.replicas > 5'}],"
        + "'validations':[{'expression':'!variables.tooMany',"
        + "'messageExpression':'string(variables.replicas) + \\' replicas\\''}]",
        "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 6))).getMessage())
        .isEqualTo(REFUSED + "6 replicas");
    assertThatCode(() -> policies.validate(deployment("team-a", 5)))
        .doesNotThrowAnyException();
  }

  @Test
  void anEvaluationErrorRefusesUnderFailAndIsSkippedUnderIgnore() {
    String spec = DEPLOYMENT_RULES + ",'validations':["
        + "{'expression':'object.spec.paused == false'}]";
    maxReplicas("'failurePolicy':'Fail'," + spec, "'validationActions':['Deny']");
    AdmissionException e = refusal(() -> policies.validate(deployment("team-a", 1)));
    assertThat(e.getMessage()).startsWith(REFUSED
        + "expression 'object.spec.paused == false' resulted in error: ");
    assertThat(e.code()).isEqualTo(422);
    // Fail is the default
    maxReplicas(spec, "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 1))).code()).isEqualTo(422);

    maxReplicas("'failurePolicy':'Ignore'," + spec, "'validationActions':['Deny']");
    assertThatCode(() -> policies.validate(deployment("team-a", 1)))
        .doesNotThrowAnyException();
  }

  @Test
  void aPolicyThatDoesNotCompileIsReportedAndFailsOnlyWhatItMatches() {
    ObjectNode broken = policy("broken", "'failurePolicy':'Ignore'," + DEPLOYMENT_RULES
        + ",'validations':[{'expression':'object.spec.replicas <='}]");
    ObjectNode brokenFail = policy("broken-fail", DEPLOYMENT_RULES
        + ",'validations':[{'expression':'object.spec.replicas <= 5 &&'}]");
    ObjectNode good = policy("max-replicas", DEPLOYMENT_RULES + "," + MAX_FIVE);
    assertThatCode(() -> policies.update(List.of(broken, good),
        List.of(binding("b1", "broken", "'validationActions':['Deny']"),
            binding("max-replicas-binding", "max-replicas", "'validationActions':['Deny']"))))
        .doesNotThrowAnyException();
    assertThat(policies.compileErrors()).containsOnlyKeys("broken");
    assertThat(policies.compileErrors().get("broken")).singleElement().asString()
        .startsWith("spec.validations[0].expression: ");
    // Ignore: the broken policy is skipped, the good one still works
    assertThatCode(() -> policies.validate(deployment("team-a", 3)))
        .doesNotThrowAnyException();
    assertThat(refusal(() -> policies.validate(deployment("team-a", 7))).getMessage())
        .isEqualTo(REFUSED + "failed expression: object.spec.replicas <= 5");

    // Fail: as Kubernetes, what the broken policy matches is refused
    policies.update(List.of(brokenFail), List.of(binding("b2", "broken-fail",
        "'validationActions':['Deny']")));
    assertThat(refusal(() -> policies.validate(deployment("team-a", 3))).getMessage())
        .startsWith("deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy "
            + "'broken-fail' with binding 'b2' denied request: compilation error: ");
  }

  @Test
  void aRunawayExpressionRunsOutOfBudget() {
    String ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
    String runaway = ten + ".all(a, " + ten + ".all(b, " + ten + ".all(c, " + ten + ".all(d, "
        + ten + ".all(e, " + ten + ".all(f, " + ten + ".all(g, " + ten + ".all(h, true))))))))";
    maxReplicas(DEPLOYMENT_RULES + ",'validations':[{'expression':'" + runaway + "'}]",
        "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 1))).getMessage())
        .isEqualTo(REFUSED + "validation failed due to running out of cost budget, no further "
            + "validation rules will be run");
  }

  @Test
  void updateReplacesTheWholeSet() {
    maxReplicas(DEPLOYMENT_RULES + "," + MAX_FIVE, "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 7))).code()).isEqualTo(422);

    policies.update(List.of(policy("max-replicas", DEPLOYMENT_RULES + "," + MAX_FIVE)),
        List.of());
    assertThatCode(() -> policies.validate(deployment("team-a", 7)))
        .as("a policy without bindings does nothing").doesNotThrowAnyException();

    policies.update(List.of(), List.of());
    assertThatCode(() -> policies.validate(deployment("team-a", 7)))
        .doesNotThrowAnyException();
  }

  @Test
  void everyPolicyRunsAndTheFirstDenialByNameIsReported() {
    policies.update(List.of(policy("b-policy", DEPLOYMENT_RULES + "," + MAX_FIVE),
            policy("a-policy", DEPLOYMENT_RULES + ",'validations':[{'expression':'false',"
                + "'message':'a says no'}]"),
            policy("c-policy", DEPLOYMENT_RULES + ",'validations':[{'expression':'false',"
                + "'message':'c warns'}]")),
        List.of(binding("b", "b-policy", "'validationActions':['Deny']"),
            binding("a", "a-policy", "'validationActions':['Deny']"),
            binding("c", "c-policy", "'validationActions':['Warn']")));
    AdmissionRequest r = deployment("team-a", 7);
    AdmissionException e = refusal(() -> policies.validate(r));
    assertThat(e.getMessage()).isEqualTo("deployments.apps \"web\" is forbidden: "
        + "ValidatingAdmissionPolicy 'a-policy' with binding 'a' denied request: a says no");
    assertThat(r.effects().warnings()).containsExactly("Validation failed for "
        + "ValidatingAdmissionPolicy 'c-policy' with binding 'c': c warns");
  }

  @Test
  void theNamespaceObjectIsAvailableToExpressions() {
    maxReplicas(DEPLOYMENT_RULES + ",'validations':[{'expression':"
        + "'namespaceObject.metadata.labels.env != \\'prod\\' || object.spec.replicas >= 2',"
        + "'message':'prod needs two replicas'}]", "'validationActions':['Deny']");
    assertThat(refusal(() -> policies.validate(deployment("team-a", 1))).getMessage())
        .isEqualTo(REFUSED + "prod needs two replicas");
    assertThatCode(() -> policies.validate(deployment("team-b", 1)))
        .doesNotThrowAnyException();
  }

  @Test
  void aClusterScopedRequestIsNamedByTheResourceAlone() {
    maxReplicas("'matchConstraints':{'resourceRules':[{'apiGroups':[''],'apiVersions':['v1'],"
        + "'operations':['CREATE'],'resources':['namespaces']}]},'validations':[{'expression':"
        + "'object.metadata.name.startsWith(\\'team-\\')','message':'namespaces are team-*'}]",
        "'validationActions':['Deny']");
    AdmissionRequest ns = new AdmissionRequest(Operation.CREATE, "", "v1", "Namespace",
        "namespaces", "", "", "scratch", json("{'metadata':{'name':'scratch'}}"), null, ALICE,
        false);
    assertThatThrownBy(() -> policies.validate(ns)).hasMessage("namespaces \"scratch\" is "
        + "forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding "
        + "'max-replicas-binding' denied request: namespaces are team-*");
  }

  @Test
  void policiesNeverApplyToAdmissionConfigurationItself() {
    maxReplicas("'matchConstraints':{'resourceRules':[{'apiGroups':['*'],'apiVersions':['*'],"
        + "'operations':['*'],'resources':['*']}]},'validations':[{'expression':'false'}]",
        "'validationActions':['Deny']");
    AdmissionRequest deleteBinding = new AdmissionRequest(Operation.DELETE,
        "admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings", "", "", "max-replicas-binding", null,
        binding("max-replicas-binding", "max-replicas", ""), ALICE, false);
    assertThatCode(() -> policies.validate(deleteBinding)).doesNotThrowAnyException();
    assertThat(refusal(() -> policies.validate(deployment("team-a", 1))).code()).isEqualTo(422);
  }
}
