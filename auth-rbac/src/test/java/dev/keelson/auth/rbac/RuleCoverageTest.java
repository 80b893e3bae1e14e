package dev.keelson.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubernetes' policy comparison: which owner rules cover which requested rules. */
@Timeout(30)
class RuleCoverageTest {

  private static PolicyRule.Builder verbs(String... v) {
    return PolicyRule.verbs(v);
  }

  private static Arguments row(String name, PolicyRule owner, PolicyRule requested,
      boolean covered) {
    return Arguments.of(name, owner, requested, covered);
  }

  static Stream<Arguments> pairs() {
    PolicyRule getPods = verbs("get").groups("").resources("pods").build();
    return Stream.of(
        row("same rule", getPods, getPods, true),
        row("verb * covers any verb", verbs("*").groups("").resources("pods").build(),
            verbs("escalate").groups("").resources("pods").build(), true),
        row("more verbs than held", getPods,
            verbs("get", "list").groups("").resources("pods").build(), false),
        row("group * covers any group", verbs("get").groups("*").resources("pods").build(),
            verbs("get").groups("apps", "").resources("pods").build(), true),
        row("resource * covers a subresource", verbs("get").groups("").resources("*").build(),
            verbs("get").groups("").resources("pods/log").build(), true),
        row("pods does not cover pods/status", getPods,
            verbs("get").groups("").resources("pods/status").build(), false),
        row("*/scale does not cover deployments/scale (only a bare * is a wildcard)",
            verbs("get").groups("apps").resources("*/scale").build(),
            verbs("get").groups("apps").resources("deployments/scale").build(), false),
        row("*/scale covers */scale", verbs("get").groups("apps").resources("*/scale").build(),
            verbs("get").groups("apps").resources("*/scale").build(), true),
        row("pods/* does not cover pods/log", verbs("get").groups("").resources("pods/*").build(),
            verbs("get").groups("").resources("pods/log").build(), false),
        row("a * request needs a * owner", getPods,
            verbs("get").groups("").resources("*").build(), false),
        row("unrestricted owner covers named objects", getPods,
            verbs("get").groups("").resources("pods").names("a", "b").build(), true),
        row("owner listing the names covers them",
            verbs("get").groups("").resources("pods").names("a", "b", "c").build(),
            verbs("get").groups("").resources("pods").names("a", "c").build(), true),
        row("owner restricted to names does not cover every object",
            verbs("get").groups("").resources("pods").names("a").build(), getPods, false),
        row("owner restricted to names does not cover other names",
            verbs("get").groups("").resources("pods").names("a").build(),
            verbs("get").groups("").resources("pods").names("a", "b").build(), false),
        row("URL prefix covers a longer path", verbs("get").urls("/api/*").build(),
            verbs("get").urls("/api/v1", "/api/v1/pods").build(), true),
        row("URL prefix covers itself", verbs("get").urls("/api/*").build(),
            verbs("get").urls("/api/*").build(), true),
        row("URL prefix /api/* does not cover /apis", verbs("get").urls("/api/*").build(),
            verbs("get").urls("/apis").build(), false),
        row("URL * covers every path", verbs("*").urls("*").build(),
            verbs("get", "post").urls("/healthz", "/metrics").build(), true),
        row("a resource rule covers no URL", verbs("*").groups("*").resources("*").build(),
            verbs("get").urls("/healthz").build(), false),
        row("a URL rule covers no resource", verbs("*").urls("*").build(), getPods, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void comparesLikeKubernetes(String name, PolicyRule owner, PolicyRule requested,
      boolean covered) {
    assertThat(RuleCoverage.uncovered(List.of(owner), List.of(requested)).isEmpty()).as(name)
        .isEqualTo(covered);
  }

  @Test
  void reportsExactlyTheUncoveredAtoms() {
    List<PolicyRule> owner = List.of(
        verbs("get", "list").groups("").resources("pods").build(),
        verbs("get").urls("/healthz").build());
    List<PolicyRule> requested = List.of(
        verbs("get", "delete").groups("", "apps").resources("pods").build(),
        verbs("get", "post").urls("/healthz").build());
    assertThat(RuleCoverage.uncovered(owner, requested)).containsExactly(
        verbs("delete").groups("").resources("pods").build(),
        verbs("get").groups("apps").resources("pods").build(),
        verbs("delete").groups("apps").resources("pods").build(),
        verbs("post").urls("/healthz").build());
  }

  @Test
  void eachAtomMayBeCoveredByADifferentOwnerRule() {
    List<PolicyRule> owner = List.of(
        verbs("get").groups("").resources("pods").build(),
        verbs("list").groups("").resources("pods").build());
    assertThat(RuleCoverage.uncovered(owner,
        List.of(verbs("get", "list").groups("").resources("pods").build()))).isEmpty();
  }

  @Test
  void compactMergesVerbsOfTheSameGroupAndResourceOnly() {
    List<PolicyRule> compacted = RuleCoverage.compact(List.of(
        verbs("get").groups("").resources("pods").build(),
        verbs("list").groups("").resources("pods").build(),
        verbs("get").groups("apps").resources("pods").build(),
        verbs("get").groups("").resources("pods").names("x").build(),
        verbs("get").urls("/x").build()));
    assertThat(compacted).containsExactlyInAnyOrder(
        verbs("get", "list").groups("").resources("pods").build(),
        verbs("get").groups("apps").resources("pods").build(),
        verbs("get").groups("").resources("pods").names("x").build(),
        verbs("get").urls("/x").build());
  }

  @Test
  void compactStringLeavesOutEmptyFieldsAndQuotesLikeGo() {
    assertThat(verbs("get", "list").groups("").resources("pods").names("a\"b").build()
        .compactString()).isEqualTo("{APIGroups:[\"\"], Resources:[\"pods\"], "
            + "ResourceNames:[\"a\\\"b\"], Verbs:[\"get\" \"list\"]}");
    assertThat(verbs("get").urls("/healthz").build().compactString())
        .isEqualTo("{NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}");
  }
}
