package dev.keelson.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.authn.UserInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mutating plugins run in order and change the object; a validating refusal ends the write. */
@Timeout(10)
class AdmissionChainTest {
  private static AdmissionRequest create(ObjectNode o) {
    return new AdmissionRequest(AdmissionRequest.Operation.CREATE, "", "v1", "ConfigMap",
        "configmaps", "", "ns", "c", o, null, UserInfo.ANONYMOUS, false);
  }

  @Test
  void mutatingPluginsRunInOrderThenValidatingOnesSeeTheResult() {
    List<String> seen = new ArrayList<>();
    AdmissionChain chain = new AdmissionChain(
        List.of(r -> r.object().put("a", 1), r -> r.object().put("b", r.object().get("a")
            .asInt() + 1)),
        List.of(r -> seen.add(r.object().toString())));
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    AdmissionRequest r = create(o);
    chain.mutate(r);
    chain.validate(r);
    assertThat(seen).containsExactly("{\"a\":1,\"b\":2}");
  }

  @Test
  void theFirstRefusalEndsTheChain() {
    List<String> ran = new ArrayList<>();
    AdmissionChain chain = new AdmissionChain(List.of(), List.of(
        r -> {
          throw AdmissionException.forbidden("denied by first");
        },
        r -> ran.add("second")));
    assertThatThrownBy(() -> chain.validate(create(JsonNodeFactory.instance.objectNode())))
        .isInstanceOfSatisfying(AdmissionException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).isEqualTo("denied by first");
        });
    assertThat(ran).isEmpty();
  }

  @Test
  void aReinvocationRequestRunsEveryMutatingPluginOnceMore() {
    List<String> ran = new ArrayList<>();
    ReinvocableAdmission asksOnce = (r, round) -> {
      ran.add(round.isReinvocation() ? "webhook again" : "webhook");
      round.requestReinvocation();
    };
    AdmissionChain chain = new AdmissionChain(List.of(r -> ran.add("plugin"), asksOnce),
        List.of());
    chain.mutate(create(JsonNodeFactory.instance.objectNode()));
    assertThat(ran).containsExactly("plugin", "webhook", "plugin", "webhook again");
  }

  @Test
  void withoutARequestMutatingPluginsRunOnce() {
    List<String> ran = new ArrayList<>();
    ReinvocableAdmission quiet = (r, round) -> ran.add("webhook");
    new AdmissionChain(List.of(r -> ran.add("plugin"), quiet), List.of())
        .mutate(create(JsonNodeFactory.instance.objectNode()));
    assertThat(ran).containsExactly("plugin", "webhook");
  }
}
