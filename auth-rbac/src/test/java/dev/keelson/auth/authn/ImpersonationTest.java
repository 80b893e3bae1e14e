package dev.keelson.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keelson.auth.authz.Attributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Impersonation headers become checks of the impersonate verb and the user acted as. */
@Timeout(30)
class ImpersonationTest {
  private static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"),
      Map.of());

  private static Impersonation.Headers headers(Map<String, List<String>> m) {
    return new Impersonation.Headers() {
      @Override
      public Iterable<String> names() {
        return m.keySet();
      }

      @Override
      public List<String> values(String name) {
        return m.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
            .flatMap(e -> e.getValue().stream()).toList();
      }
    };
  }

  @Test
  void noHeadersIsNoImpersonation() {
    assertThat(Impersonation.of(headers(Map.of("Accept", List.of("*/*"))))).isEmpty();
  }

  @Test
  void aUserWithGroupsUidAndExtrasNeedsImpersonateOnEachPart() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("Impersonate-User", List.of("jane"));
    m.put("impersonate-group", List.of("dev", "qa"));
    m.put("Impersonate-Uid", List.of("u-7"));
    m.put("Impersonate-Extra-Acme.com%2Fproject", List.of("p1"));
    Impersonation i = Impersonation.of(headers(m)).orElseThrow();
    assertThat(i.checks(BOB)).extracting(Attributes::resource, Attributes::subresource,
        Attributes::name, Attributes::apiGroup).containsExactly(
            org.assertj.core.groups.Tuple.tuple("users", "", "jane", ""),
            org.assertj.core.groups.Tuple.tuple("groups", "", "dev", ""),
            org.assertj.core.groups.Tuple.tuple("groups", "", "qa", ""),
            org.assertj.core.groups.Tuple.tuple("uids", "", "u-7", "authentication.k8s.io"),
            org.assertj.core.groups.Tuple.tuple("userextras", "acme.com/project", "p1",
                "authentication.k8s.io"));
    assertThat(i.checks(BOB)).allSatisfy(a -> {
      assertThat(a.verb()).isEqualTo("impersonate");
      assertThat(a.user()).isEqualTo(BOB);
    });
    UserInfo as = i.asUser();
    assertThat(as.name()).isEqualTo("jane");
    assertThat(as.uid()).isEqualTo("u-7");
    assertThat(as.groups()).containsExactly("dev", "qa", "system:authenticated");
    assertThat(as.extra()).containsEntry("acme.com/project", List.of("p1"));
  }

  @Test
  void aServiceAccountIsCheckedInItsNamespaceAndGetsItsGroups() {
    Impersonation i = Impersonation.of(headers(Map.of("Impersonate-User",
        List.of("system:serviceaccount:team-a:builder")))).orElseThrow();
    Attributes a = i.checks(BOB).get(0);
    assertThat(a.resource()).isEqualTo("serviceaccounts");
    assertThat(a.namespace()).isEqualTo("team-a");
    assertThat(a.name()).isEqualTo("builder");
    assertThat(i.asUser().groups()).containsExactly("system:serviceaccounts",
        "system:serviceaccounts:team-a", "system:authenticated");
  }

  @Test
  void groupsWithoutAUserAreABadRequest() {
    assertThatThrownBy(() -> Impersonation.of(headers(Map.of("Impersonate-Group",
        List.of("system:masters"))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without impersonating a user");
  }
}
