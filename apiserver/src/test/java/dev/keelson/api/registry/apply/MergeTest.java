package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema-aware merge of an applied configuration, and the removal of given-up fields. */
@Timeout(10)
class MergeTest {

  static Stream<Arguments> merges() {
    return Stream.of(
        Arguments.of("maps merge key by key",
            "data: {a: '1', b: '2'}", "data: {b: '3', c: '4'}",
            "data: {a: '1', b: '3', c: '4'}"),
        Arguments.of("containers merge by name and keep the ones not applied", """
            spec: {containers: [{name: a, image: x, imagePullPolicy: Always}, {name: b, image: y}]}
            """, """
            spec: {containers: [{name: a, image: z}]}
            """, """
            spec: {containers: [{name: a, image: z, imagePullPolicy: Always}, {name: b, image: y}]}
            """),
        Arguments.of("new items come in the configuration's order among the kept ones", """
            spec: {containers: [{name: a}, {name: x}, {name: b}]}
            """, """
            spec: {containers: [{name: b}, {name: a}, {name: c}]}
            """, """
            spec: {containers: [{name: b}, {name: a}, {name: x}, {name: c}]}
            """),
        Arguments.of("atomic lists are replaced",
            "spec: {containers: [{name: a, args: [x, y]}]}",
            "spec: {containers: [{name: a, args: [z]}]}",
            "spec: {containers: [{name: a, args: [z]}]}"),
        Arguments.of("selectors are replaced whole",
            "spec: {selector: {matchLabels: {a: b, c: d}}}",
            "spec: {selector: {matchLabels: {a: b}}}",
            "spec: {selector: {matchLabels: {a: b}}}"),
        Arguments.of("sets are unioned, applied values in the configuration's order",
            "metadata: {finalizers: [x, y]}", "metadata: {finalizers: [z, x]}",
            "metadata: {finalizers: [z, x, y]}"),
        Arguments.of("ports merge on port and protocol",
            "spec: {ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP, name: t}]}",
            "spec: {ports: [{port: 53, name: tcp}]}",
            "spec: {ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP, name: tcp}]}"),
        Arguments.of("nulls in the configuration are ignored",
            "data: {a: '1'}", "data: {a: null, b: '2'}",
            "data: {a: '1', b: '2'}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("merges")
  void mergesTheConfigurationIntoTheLiveObject(String name, String live, String config,
      String merged) {
    assertThat(Merge.merge(Yaml.obj(live), Yaml.obj(config), Schema.KUBERNETES))
        .isEqualTo(Yaml.obj(merged));
  }

  static Stream<Arguments> removals() {
    return Stream.of(
        Arguments.of("a map key goes, the map stays while it has others",
            "data: {a: '1', b: '2'}", "f:data: {f:a: {}}", "data: {b: '2'}"),
        Arguments.of("a map emptied by the removal goes too",
            "metadata: {name: x, labels: {a: b}}", "f:metadata: {f:labels: {f:a: {}}}",
            "metadata: {name: x}"),
        Arguments.of("a list item goes whole when it is itself removed", """
            spec: {containers: [{name: a, image: x}, {name: b, image: y}]}
            """, """
            f:spec: {f:containers: {'k:{"name":"a"}': {.: {}, f:image: {}}}}
            """, """
            spec: {containers: [{name: b, image: y}]}
            """),
        Arguments.of("only a field of an item that stays", """
            spec: {containers: [{name: a, image: x, args: [q]}]}
            """, """
            f:spec: {f:containers: {'k:{"name":"a"}': {f:args: {}}}}
            """, """
            spec: {containers: [{name: a, image: x}]}
            """),
        Arguments.of("a set value", "metadata: {finalizers: [x, y]}",
            "f:metadata: {f:finalizers: {'v:\"x\"': {}}}", "metadata: {finalizers: [y]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("removals")
  void removesGivenUpFields(String name, String obj, String fieldsV1, String expected) {
    assertThat(Merge.remove(Yaml.obj(obj), FieldsV1.decode(Yaml.obj(fieldsV1)),
        Schema.KUBERNETES)).isEqualTo(Yaml.obj(expected));
  }
}
