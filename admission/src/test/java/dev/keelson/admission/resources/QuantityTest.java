package dev.keelson.admission.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Quantities parse as Kubernetes writes them and print in apimachinery's canonical form. */
@Timeout(10)
class QuantityTest {
  @ParameterizedTest
  @CsvSource({
      "1, 1", "0, 0", "500m, 500m", "0.5, 500m", "1000m, 1", "1500m, 1500m", "1000, 1k",
      "1500, 1500", "2k, 2k", "1M, 1M", "128Mi, 128Mi", "1024Mi, 1Gi", "1536Mi, 1536Mi",
      "1Ki, 1Ki", "1e3, 1e3", "1.5e3, 1500", "0.0000000001, 1n", "100u, 100u", "+3, 3",
      "-2, -2", ".5, 500m"})
  void printsTheCanonicalForm(String in, String out) {
    assertThat(Quantity.parse(in).toString()).isEqualTo(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.2.3", "1Kb", "Mi", "1 Gi", "--1"})
  void refusesWhatIsNotAQuantity(String in) {
    assertThatThrownBy(() -> Quantity.parse(in)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void comparesAndAddsByValueWhateverTheFormat() {
    assertThat(Quantity.parse("1Ki")).isEqualTo(Quantity.parse("1024"));
    assertThat(Quantity.parse("1").compareTo(Quantity.parse("999m"))).isPositive();
    assertThat(Quantity.parse("600m").add(Quantity.parse("600m")).toString()).isEqualTo("1200m");
    assertThat(Quantity.ZERO.add(Quantity.parse("256Mi")).toString()).isEqualTo("256Mi");
    assertThat(Quantity.parse("256Mi").add(Quantity.parse("768Mi")).toString())
        .isEqualTo("1Gi");
    assertThat(Quantity.parse("250m").milliValue()).isEqualTo(250);
  }
}
