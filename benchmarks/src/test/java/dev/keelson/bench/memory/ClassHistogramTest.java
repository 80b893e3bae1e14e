package dev.keelson.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClassHistogramTest {
  // the shape of `jcmd <pid> GC.class_histogram` on JDK 17
  private static final String BEFORE = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          1000          64000  [B (java.base@17.0.15)
         2:           500          24000  dev.keelson.watch.Watcher
         3:            10            480  java.util.HashMap$Node (java.base@17.0.15)
      Total          1510          88480
      """;
  private static final String AFTER = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          3000         192000  [B (java.base@17.0.15)
         2:          1500          72000  dev.keelson.watch.Watcher
         3:             4            192  java.util.HashMap$Node (java.base@17.0.15)
         4:             1             16  dev.keelson.watch.Other
      Total          4505         264208
      """;

  @Test
  void readsTheTotalsAndEveryClass() {
    ClassHistogram h = ClassHistogram.parse(BEFORE);

    assertThat(h.totalBytes()).isEqualTo(88480);
    assertThat(h.totalInstances()).isEqualTo(1510);
    assertThat(h.row("[B")).isEqualTo(new ClassHistogram.Row("[B", 1000, 64000));
    assertThat(h.row("dev.keelson.watch.Watcher").bytes()).isEqualTo(24000);
  }

  @Test
  void growthListsTheLargestDifferencesFirstIncludingNewAndShrunkClasses() {
    var growth = ClassHistogram.parse(AFTER).growthSince(ClassHistogram.parse(BEFORE), 10);

    assertThat(growth).containsExactly(
        new ClassHistogram.Row("[B", 2000, 128000),
        new ClassHistogram.Row("dev.keelson.watch.Watcher", 1000, 48000),
        new ClassHistogram.Row("dev.keelson.watch.Other", 1, 16),
        new ClassHistogram.Row("java.util.HashMap$Node", -6, -288));
  }

  @Test
  void refusesOutputWithoutATotal() {
    assertThatThrownBy(() -> ClassHistogram.parse("12345:\nAttach failed\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Total");
  }
}
