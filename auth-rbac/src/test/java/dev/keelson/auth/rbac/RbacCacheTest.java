package dev.keelson.auth.rbac;

import static dev.keelson.auth.rbac.Fixtures.jsonOf;
import static dev.keelson.auth.rbac.Fixtures.res;
import static dev.keelson.auth.rbac.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Authorizer.Decision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watch-fed cache: objects in, snapshots out, rebuilt only after a change. */
@Timeout(30)
class RbacCacheTest {
  private static final UserInfo BOB = user("bob");

  private static JsonNode podReader() {
    return jsonOf("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
         "metadata":{"name":"pod-reader"},
         "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""");
  }

  private static JsonNode bobBinding(String namespace) {
    return jsonOf("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
         "metadata":{"name":"bob","namespace":"%s"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
                    "name":"pod-reader"},
         "subjects":[{"kind":"User","name":"bob"}]}""".formatted(namespace));
  }

  @Test
  void putAndRemoveChangeWhatTheAuthorizerAllows() {
    RbacCache cache = new RbacCache();
    RbacAuthorizer rbac = RbacAuthorizer.of(cache);
    assertThat(rbac.authorize(res(BOB, "get", "", "pods", "a")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
    cache.put(bobBinding("a"));
    // the binding arrives before its role: it grants nothing yet, and nothing fails
    assertThat(rbac.authorize(res(BOB, "get", "", "pods", "a")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
    cache.put(podReader());
    assertThat(rbac.authorize(res(BOB, "get", "", "pods", "a")).kind())
        .isEqualTo(Decision.Kind.ALLOW);
    assertThat(cache.remove(RbacKind.ROLE_BINDING, "a", "bob")).isTrue();
    assertThat(cache.remove(RbacKind.ROLE_BINDING, "a", "bob")).isFalse();
    assertThat(rbac.authorize(res(BOB, "get", "", "pods", "a")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
  }

  @Test
  void aModifiedObjectReplacesTheOldOne() {
    RbacCache cache = new RbacCache();
    cache.put(podReader());
    cache.put(bobBinding("a"));
    RbacObject moved = RbacJson.parse(bobBinding("b"));
    cache.remove(RbacKind.ROLE_BINDING, "a", "bob");
    cache.put(moved);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.current().authorize(res(BOB, "get", "", "pods", "b")).kind())
        .isEqualTo(Decision.Kind.ALLOW);
    assertThat(cache.current().authorize(res(BOB, "get", "", "pods", "a")).kind())
        .isEqualTo(Decision.Kind.NO_OPINION);
  }

  @Test
  void theSnapshotIsRebuiltOnlyAfterAChange() {
    RbacCache cache = new RbacCache();
    cache.put(podReader());
    RbacPolicy first = cache.current();
    assertThat(cache.current()).isSameAs(first);
    assertThat(cache.refresh()).isSameAs(first);
    cache.remove(RbacKind.CLUSTER_ROLE, "", "absent");
    assertThat(cache.current()).isSameAs(first);
    cache.put(bobBinding("a"));
    RbacPolicy second = cache.refresh();
    assertThat(second).isNotSameAs(first);
    assertThat(second.size()).isEqualTo(2);
    assertThat(first.size()).isEqualTo(1);
  }

  @Test
  void anInvalidObjectIsRefusedAndChangesNothing() {
    RbacCache cache = new RbacCache();
    cache.put(podReader());
    RbacPolicy before = cache.current();
    JsonNode bad = jsonOf("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
         "metadata":{"name":"pod-reader"},"rules":[{"apiGroups":[""],"resources":["pods"]}]}""");
    assertThatThrownBy(() -> cache.put(bad)).isInstanceOf(InvalidRbacObjectException.class);
    List<JsonNode> relist = new ArrayList<>(List.of(bobBinding("a"), bad));
    assertThatThrownBy(() -> cache.replaceAll(relist))
        .isInstanceOf(InvalidRbacObjectException.class);
    assertThat(cache.current()).isSameAs(before);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void replaceAllDropsObjectsThatAreNoLongerListed() {
    RbacCache cache = new RbacCache();
    cache.put(podReader());
    cache.put(bobBinding("a"));
    cache.replaceAll(List.of(podReader(), bobBinding("b")));
    assertThat(cache.current().objects()).extracting(RbacObject::key).containsExactly(
        new RbacObject.Key(RbacKind.CLUSTER_ROLE, "", "pod-reader"),
        new RbacObject.Key(RbacKind.ROLE_BINDING, "b", "bob"));
  }

  @Test
  void bootstrapJsonFeedsTheCache() {
    RbacCache cache = new RbacCache();
    cache.replaceAll(BootstrapPolicy.json());
    assertThat(cache.size()).isEqualTo(BootstrapPolicy.objects().size());
    assertThat(RbacAuthorizer.of(cache).authorize(Fixtures.url(UserInfo.ANONYMOUS, "get",
        "/readyz")).kind()).isEqualTo(Decision.Kind.ALLOW);
  }
}
