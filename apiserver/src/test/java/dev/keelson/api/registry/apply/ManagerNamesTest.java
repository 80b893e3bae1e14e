package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.api.registry.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The default field manager, from the User-Agent as Kubernetes derives it. */
@Timeout(10)
class ManagerNamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd | kubectl",
      "Java-http-client/17.0.12 | Java-http-client",
      "kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/system:serviceaccount"
          + " | kube-controller-manager",
      "no-slash-at-all | no-slash-at-all",
      "'' | unknown",
      "NULL | unknown"})
  void namesTheManagerAfterTheClient(String userAgent, String manager) {
    assertThat(ManagerNames.fromUserAgent(userAgent)).isEqualTo(manager);
  }

  @Test
  void keepsAnExplicitManagerAndCapsLongAgentsAt128Characters() {
    WriteOptions named = new WriteOptions(false, "kubectl-edit", "Warn", false);
    assertThat(ManagerNames.defaulted(named, "kubectl/v1")).isSameAs(named);
    assertThat(ManagerNames.defaulted(WriteOptions.DEFAULT, "x".repeat(300) + "/1")
        .fieldManager()).hasSize(128);
    assertThat(ManagerNames.fromUserAgent("a\u0007b/1")).isEqualTo("ab");
  }
}
