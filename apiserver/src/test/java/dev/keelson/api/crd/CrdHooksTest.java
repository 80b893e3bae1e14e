package dev.keelson.api.crd;

import static dev.keelson.api.crd.SchemaValidatorTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException.Cause;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CustomResourceDefinition kind's defaults, finalizer and validation. */
@Timeout(30)
class CrdHooksTest {
  private static final ResourceType CRDS = new ResourceTypes()
      .find("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();
  private final CrdHooks hooks = new CrdHooks();

  /** A valid definition of widgets.demo.keelson.dev. */
  static ObjectNode widgets() {
    return (ObjectNode) json("{'apiVersion':'apiextensions.k8s.io/v1',"
        + "'kind':'CustomResourceDefinition','metadata':{'name':'widgets.demo.keelson.dev'},"
        + "'spec':{'group':'demo.keelson.dev','scope':'Namespaced',"
        + "'names':{'plural':'widgets','kind':'Widget','shortNames':['wd']},"
        + "'versions':[{'name':'v1','served':true,'storage':true,"
        + "'schema':{'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object',"
        + "'properties':{'replicas':{'type':'integer','default':1}}}}}},"
        + "'subresources':{'status':{},'scale':{'specReplicasPath':'.spec.replicas',"
        + "'statusReplicasPath':'.status.replicas'}}}]}}");
  }

  private List<String> problems(ObjectNode crd) {
    hooks.prepare(CRDS, crd, null);
    return hooks.validate(CRDS, crd, null).stream().map(c -> c.field() + "|" + c.reason())
        .toList();
  }

  @Test
  void validDefinitionGetsItsDefaultsAndTheCleanupFinalizerOnCreate() {
    ObjectNode crd = widgets();
    assertThat(problems(crd)).isEmpty();
    assertThat(crd.path("metadata").path("finalizers").get(0).asText())
        .isEqualTo("customresourcecleanup.apiextensions.k8s.io");
    assertThat(crd.path("spec").path("names").path("singular").asText()).isEqualTo("widget");
    assertThat(crd.path("spec").path("names").path("listKind").asText()).isEqualTo("WidgetList");
    assertThat(crd.path("spec").path("conversion").path("strategy").asText()).isEqualTo("None");
  }

  @Test
  void updatesDoNotAddTheFinalizerBack() {
    ObjectNode crd = widgets();
    hooks.prepare(CRDS, crd, widgets());
    assertThat(crd.path("metadata").has("finalizers")).isFalse();
  }

  @Test
  void nameMismatchIsWordedAsKubernetesWordsIt() {
    ObjectNode crd = widgets();
    crd.withObjectProperty("metadata").put("name", "widget.demo.keelson.dev");
    hooks.prepare(CRDS, crd, null);
    List<Cause> causes = hooks.validate(CRDS, crd, null);
    assertThat(causes).containsExactly(new Cause("FieldValueInvalid",
        "Invalid value: \"widget.demo.keelson.dev\": must be spec.names.plural+\".\"+spec.group",
        "metadata.name"));
  }

  private static Arguments bad(String name, Consumer<ObjectNode> change, String... expected) {
    return Arguments.of(name, change, List.of(expected));
  }

  private static ObjectNode version0(ObjectNode crd) {
    return (ObjectNode) crd.path("spec").path("versions").get(0);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("a group without a dot", c -> {
          c.withObjectProperty("spec").put("group", "demo");
          c.withObjectProperty("metadata").put("name", "widgets.demo");
        }, "spec.group|FieldValueInvalid"),
        bad("no group", c -> c.withObjectProperty("spec").remove("group"),
            "metadata.name|FieldValueInvalid", "spec.group|FieldValueRequired"),
        bad("a protected group without approval", c -> {
          c.withObjectProperty("spec").put("group", "demo.k8s.io");
          c.withObjectProperty("metadata").put("name", "widgets.demo.k8s.io");
        }, "metadata.annotations[api-approved.kubernetes.io]|FieldValueRequired"),
        bad("no plural", c -> c.withObjectProperty("spec").withObjectProperty("names")
            .remove("plural"), "metadata.name|FieldValueInvalid",
            "spec.names.plural|FieldValueRequired"),
        bad("no kind", c -> c.withObjectProperty("spec").withObjectProperty("names")
            .remove("kind"), "spec.names.singular|FieldValueRequired",
            "spec.names.kind|FieldValueRequired",
            "spec.names.listKind|FieldValueRequired"),
        bad("a short name that is no label", c -> c.withObjectProperty("spec")
            .withObjectProperty("names").putArray("shortNames").add("W_D"),
            "spec.names.shortNames[0]|FieldValueInvalid"),
        bad("an unknown scope", c -> c.withObjectProperty("spec").put("scope", "Global"),
            "spec.scope|FieldValueNotSupported"),
        bad("no scope", c -> c.withObjectProperty("spec").remove("scope"),
            "spec.scope|FieldValueRequired"),
        bad("no versions", c -> c.withObjectProperty("spec").putArray("versions"),
            "spec.versions|FieldValueInvalid"),
        bad("two storage versions", c -> {
          ObjectNode v2 = version0(c).deepCopy().put("name", "v2");
          c.withObjectProperty("spec").withArrayProperty("versions").add(v2);
        }, "spec.versions|FieldValueInvalid"),
        bad("the same version twice", c -> {
          ObjectNode again = version0(c).deepCopy().put("storage", false);
          c.withObjectProperty("spec").withArrayProperty("versions").add(again);
        }, "spec.versions|FieldValueInvalid"),
        bad("a version without a schema", c -> version0(c).remove("schema"),
            "spec.versions[0].schema.openAPIV3Schema|FieldValueRequired"),
        bad("a root schema that is not an object", c -> version0(c)
            .withObjectProperty("schema").set("openAPIV3Schema", json("{'type':'string'}")),
            "spec.versions[0].schema.openAPIV3Schema.type|FieldValueInvalid"),
        bad("a root schema without a type", c -> version0(c).withObjectProperty("schema")
            .set("openAPIV3Schema", json("{'properties':{'spec':{'type':'object'}}}")),
            "spec.versions[0].schema.openAPIV3Schema.type|FieldValueRequired"),
        bad("a property without a type", c -> version0(c).withObjectProperty("schema")
            .set("openAPIV3Schema", json("{'type':'object','properties':{'spec':{}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].type|FieldValueRequired"),
        bad("an unknown type", c -> version0(c).withObjectProperty("schema")
            .set("openAPIV3Schema", json("{'type':'object','properties':{'a':"
                + "{'type':'int'}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[a].type|FieldValueNotSupported"),
        bad("an array without items", c -> version0(c).withObjectProperty("schema")
            .set("openAPIV3Schema", json("{'type':'object','properties':{'a':"
                + "{'type':'array'}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[a].items|FieldValueRequired"),
        bad("properties with additionalProperties", c -> version0(c)
            .withObjectProperty("schema").set("openAPIV3Schema", json("{'type':'object',"
                + "'properties':{'a':{'type':'object','properties':{'b':{'type':'string'}},"
                + "'additionalProperties':{'type':'string'}}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[a].additionalProperties"
                + "|FieldValueForbidden"),
        bad("a pattern that does not compile", c -> version0(c).withObjectProperty("schema")
            .set("openAPIV3Schema", json("{'type':'object','properties':{'a':"
                + "{'type':'string','pattern':'('}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[a].pattern|FieldValueInvalid"),
        bad("a default that breaks its own schema", c -> version0(c)
            .withObjectProperty("schema").set("openAPIV3Schema", json("{'type':'object',"
                + "'properties':{'a':{'type':'integer','maximum':3,'default':5}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[a].default|FieldValueInvalid"),
        bad("root metadata with more than name", c -> version0(c).withObjectProperty("schema")
            .set("openAPIV3Schema", json("{'type':'object','properties':{'metadata':"
                + "{'type':'object','properties':{'labels':{'type':'object'}}}}}")),
            "spec.versions[0].schema.openAPIV3Schema.properties[metadata]|FieldValueForbidden"),
        bad("a scale subresource outside spec and status", c -> version0(c)
            .withObjectProperty("subresources").set("scale",
                json("{'specReplicasPath':'.replicas','statusReplicasPath':'.status.n'}")),
            "spec.versions[0].subresources.scale.specReplicasPath|FieldValueInvalid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesInvalidDefinitionsWithKubernetesFieldPaths(String name,
      Consumer<ObjectNode> change, List<String> expected) {
    ObjectNode crd = widgets();
    change.accept(crd);
    assertThat(problems(crd)).containsExactlyElementsOf(expected);
  }

  @Test
  void scopeMayNotChangeOnceEstablished() {
    ObjectNode old = widgets();
    old.withObjectProperty("status").putArray("conditions").addObject()
        .put("type", "Established").put("status", "True");
    ObjectNode changed = widgets();
    changed.withObjectProperty("spec").put("scope", "Cluster");
    hooks.prepare(CRDS, changed, old);
    assertThat(hooks.validate(CRDS, changed, old)).extracting(Cause::field, Cause::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.scope",
            "Invalid value: \"Cluster\": field is immutable"));
  }

  @Test
  void otherKindsAreNotTouched() {
    ResourceType pods = new ResourceTypes().find("", "v1", "pods").orElseThrow();
    ObjectNode pod = (ObjectNode) json("{'metadata':{'name':'p'}}");
    hooks.prepare(pods, pod, null);
    assertThat(pod).isEqualTo(json("{'metadata':{'name':'p'}}"));
    assertThat(hooks.validate(pods, pod, null)).isEmpty();
  }
}
