package dev.keelson.api.crd;

import static dev.keelson.api.crd.SchemaValidatorTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The resource types a definition yields. */
@Timeout(30)
class CrdDefinitionTest {
  @Test
  void servedVersionBecomesANamespacedTypeWithItsSubresources() {
    CrdDefinition d = CrdDefinition.parse(CrdHooksTest.widgets()).orElseThrow();
    ResourceType t = d.type(d.served().get(0));
    assertThat(t).isEqualTo(new ResourceType("demo.keelson.dev", "v1", "widgets", "Widget",
        "widget", true, List.of("wd"), List.of(), true,
        new ResourceType.Scale(".spec.replicas", ".status.replicas", null)));
    assertThat(t.storagePrefix()).isEqualTo("/registry/demo.keelson.dev/widgets/");
    assertThat(d.terminating()).isFalse();
  }

  @Test
  void onlyServedVersionsAreServedMostPreferredFirst() {
    ObjectNode crd = CrdHooksTest.widgets();
    ObjectNode v1 = (ObjectNode) crd.path("spec").path("versions").get(0);
    var versions = crd.withObjectProperty("spec").withArrayProperty("versions");
    versions.insert(0, v1.deepCopy().put("name", "v1alpha1").put("storage", false));
    versions.insert(0, v1.deepCopy().put("name", "v1beta1").put("storage", false));
    versions.add(v1.deepCopy().put("name", "v2alpha1").put("storage", false)
        .put("served", false));
    CrdDefinition d = CrdDefinition.parse(crd).orElseThrow();
    assertThat(d.served()).extracting(CrdDefinition.Version::name)
        .containsExactly("v1", "v1beta1", "v1alpha1");
    assertThat(d.storage().name()).isEqualTo("v1");
  }

  @Test
  void definitionWithoutNamesDefinesNothing() {
    assertThat(CrdDefinition.parse(json("{'spec':{'group':'a.b'}}"))).isEmpty();
  }

  @ParameterizedTest(name = "{0} before {1}")
  @CsvSource({"v2,v1", "v1,v2beta1", "v2beta2,v2beta1", "v1beta1,v1alpha1", "v10,v9",
      "v1alpha1,foo", "bar,foo"})
  void versionsSortAsKubernetesSortsThem(String first, String second) {
    assertThat(CrdDefinition.compareVersions(first, second)).isNegative();
    assertThat(CrdDefinition.compareVersions(second, first)).isPositive();
  }
}
