package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a write added, modified and removed, node by node. */
@Timeout(10)
class ComparisonTest {

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of("a changed scalar is modified",
            "data: {a: '1', b: '2'}", "data: {a: '1', b: '3'}",
            "", ".data.b", ""),
        Arguments.of("a new map is added with its keys",
            "metadata: {name: x}", "metadata: {name: x, labels: {app: web}}",
            ".metadata.labels\n.metadata.labels.app", "", ""),
        Arguments.of("struct fields every object has are not added themselves",
            "{}", "spec: {replicas: 1}",
            ".spec.replicas", "", ""),
        Arguments.of("a removed list item goes with its fields, others stay untouched", """
            spec: {containers: [{name: a, image: x}, {name: b, image: y}]}
            """, """
            spec: {containers: [{name: b, image: y}]}
            """,
            "", "", """
            .spec.containers[name="a"]
            .spec.containers[name="a"].image
            .spec.containers[name="a"].name
            """),
        Arguments.of("reordering a keyed list changes nothing",
            "spec: {containers: [{name: a}, {name: b}]}",
            "spec: {containers: [{name: b}, {name: a}]}",
            "", "", ""),
        Arguments.of("an atomic list is modified as a whole",
            "spec: {containers: [{name: a, args: [x]}]}",
            "spec: {containers: [{name: a, args: [x, y]}]}",
            "", ".spec.containers[name=\"a\"].args", ""),
        Arguments.of("a selector is modified as a whole",
            "spec: {selector: {matchLabels: {a: b}}}", "spec: {selector: {matchLabels: {a: c}}}",
            "", ".spec.selector", ""),
        Arguments.of("set values come and go one by one",
            "metadata: {finalizers: [x, y]}", "metadata: {finalizers: [y, z]}",
            ".metadata.finalizers[=\"z\"]", "", ".metadata.finalizers[=\"x\"]"),
        Arguments.of("numbers are compared by value",
            "spec: {replicas: 2}", "spec: {replicas: 2.0}",
            "", "", ""),
        Arguments.of("a scalar becoming an object is modified, its new fields added",
            "spec: {x: 1}", "spec: {x: {y: 2}}",
            ".spec.x.y", ".spec.x", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void findsWhatChanged(String name, String old, String next, String added, String modified,
      String removed) {
    Comparison c = Comparison.of(Yaml.obj(old), Yaml.obj(next), Schema.KUBERNETES);
    assertThat(Yaml.paths(c.added())).as("added").containsExactlyElementsOf(Yaml.lines(added));
    assertThat(Yaml.paths(c.modified())).as("modified")
        .containsExactlyElementsOf(Yaml.lines(modified));
    assertThat(Yaml.paths(c.removed())).as("removed")
        .containsExactlyElementsOf(Yaml.lines(removed));
    assertThat(c.isSame()).isEqualTo(added.isBlank() && modified.isBlank() && removed.isBlank());
  }
}
