package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Set algebra on field sets, written in FieldsV1. */
@Timeout(10)
class FieldSetTest {
  private static final BinaryOperator<FieldSet> UNION = FieldSet::union;
  private static final BinaryOperator<FieldSet> INTERSECTION = FieldSet::intersection;
  private static final BinaryOperator<FieldSet> DIFFERENCE = FieldSet::difference;
  private static final BinaryOperator<FieldSet> RECURSIVE = FieldSet::recursiveDifference;

  static Stream<Arguments> operations() {
    return Stream.of(
        Arguments.of("union keeps the members of both", UNION,
            "f:a: {f:x: {}}", "f:a: {f:y: {}}", "f:a: {f:x: {}, f:y: {}}"),
        Arguments.of("intersection keeps common members only", INTERSECTION,
            "f:a: {.: {}, f:x: {}, f:y: {}}", "f:a: {f:y: {}}", "f:a: {f:y: {}}"),
        Arguments.of("difference removes a member but not what is below it", DIFFERENCE,
            "f:a: {.: {}, f:x: {}}", "f:a: {}", "f:a: {f:x: {}}"),
        Arguments.of("recursive difference removes what is below a member too", RECURSIVE,
            "{f:a: {.: {}, f:x: {}}, f:b: {}}", "f:a: {}", "f:b: {}"),
        Arguments.of("difference to nothing is empty", DIFFERENCE,
            "f:a: {}", "f:a: {}", "{}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void computes(String name, BinaryOperator<FieldSet> op, String a, String b, String result) {
    FieldSet out = op.apply(decode(a), decode(b));
    assertThat(out).isEqualTo(decode(result));
    assertThat(FieldsV1.encode(out)).isEqualTo(FieldsV1.encode(decode(result)));
  }

  @Test
  void pathsPrintAsInConflictMessages() {
    FieldSet s = decode("f:spec: {f:containers: {'k:{\"name\":\"web\"}': {f:image: {}}},"
        + " f:finalizers: {'v:\"x\"': {}}}");
    assertThat(Yaml.paths(s)).containsExactly(".spec.containers[name=\"web\"].image",
        ".spec.finalizers[=\"x\"]");
    assertThat(s.hasAtOrBelow(FieldPath.of("spec"))).isTrue();
    assertThat(s.has(FieldPath.of("spec"))).isFalse();
  }

  private static FieldSet decode(String yaml) {
    return FieldsV1.decode(Yaml.obj(yaml));
  }
}
