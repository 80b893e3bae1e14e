package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Kubernetes' FieldsV1 encoding, both ways. */
@Timeout(10)
class FieldsV1Test {

  static Stream<Arguments> encodings() {
    return Stream.of(
        Arguments.of("leaves are empty objects", """
            spec: {replicas: 3}
            """, """
            f:spec: {f:replicas: {}}
            """),
        Arguments.of("an owned item with owned fields gets a dot entry", """
            spec: {containers: [{name: nginx, image: x}]}
            """, """
            f:spec:
              f:containers:
                'k:{"name":"nginx"}': {.: {}, f:image: {}, f:name: {}}
            """),
        Arguments.of("compound keys list their fields sorted, numbers bare", """
            spec: {ports: [{protocol: UDP, port: 53}]}
            """, """
            f:spec:
              f:ports:
                'k:{"port":53,"protocol":"UDP"}': {.: {}, f:port: {}, f:protocol: {}}
            """),
        Arguments.of("set items are JSON values", """
            metadata: {finalizers: [x]}
            """, """
            f:metadata: {f:finalizers: {'v:"x"': {}}}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void encodesAsKubernetesDoesAndDecodesBack(String name, String config, String fieldsV1) {
    FieldSet owned = AppliedFields.of(Yaml.obj(config), Schema.KUBERNETES);
    assertThat(FieldsV1.encode(owned)).isEqualTo(Yaml.obj(fieldsV1));
    assertThat(FieldsV1.decode(Yaml.obj(fieldsV1))).isEqualTo(owned);
  }

  @Test
  void keysReadAsLongOrDoubleAreTheSameKey() {
    FieldSet a = FieldsV1.decode(Yaml.obj("'k:{\"port\":80,\"protocol\":\"TCP\"}': {}"));
    FieldSet b = FieldsV1.decode(Yaml.obj("'k:{\"protocol\":\"TCP\",\"port\":80.0}': {}"));
    assertThat(a).isEqualTo(b);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x:foo: {}", "f:a: 1", "'k:[1]': {}", "'k:{}': {}", "'v:{': {}"})
  void refusesWhatIsNotAnEncoding(String yaml) {
    assertThatThrownBy(() -> FieldsV1.decode(Yaml.obj(yaml)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
