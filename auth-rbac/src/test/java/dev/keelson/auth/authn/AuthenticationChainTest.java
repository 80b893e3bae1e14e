package dev.keelson.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order of authenticators, and what happens to requests nobody recognises. */
@Timeout(30)
class AuthenticationChainTest {
  private final TokenFileAuthenticator tokens = TokenFileAuthenticator.parse(
      "good,jane,1\n", "tokens.csv");
  private final Authenticator refuses = c -> {
    if ("Bearer broken".equals(c.authorization())) {
      throw new AuthenticationException("broken token");
    }
    return Optional.empty();
  };

  private static Credentials header(String h) {
    return new Credentials(List.of(), h);
  }

  @Test
  void theFirstAuthenticatorThatKnowsTheCredentialsNamesTheUser() throws Exception {
    AuthenticationChain chain = new AuthenticationChain(List.of(refuses, tokens), false);
    assertThat(chain.authenticate(header("Bearer good"), "/api").name()).isEqualTo("jane");
  }

  @Test
  void refusedOrUnknownTokensAre401EvenWithAnonymousOn() {
    AuthenticationChain chain = new AuthenticationChain(List.of(refuses, tokens), true);
    assertThatThrownBy(() -> chain.authenticate(header("Bearer broken"), "/api"))
        .isInstanceOf(AuthenticationException.class).hasMessage("broken token");
    assertThatThrownBy(() -> chain.authenticate(header("Bearer nobody-knows"), "/livez"))
        .isInstanceOf(AuthenticationException.class).hasMessage("invalid bearer token");
  }

  @Test
  void withAnonymousOffOnlyHealthAndVersionAreServedWithoutCredentials() throws Exception {
    AuthenticationChain chain = new AuthenticationChain(List.of(tokens), false);
    for (String p : List.of("/livez", "/readyz", "/healthz", "/version", "/livez/ping",
        "/readyz/etcd")) {
      assertThat(chain.authenticate(header(null), p)).as(p).isEqualTo(UserInfo.ANONYMOUS);
    }
    for (String p : List.of("/api", "/apis", "/api/v1/namespaces", "/metrics", "/openapi/v2",
        "/versions", "/version/x", "/livezz", "/")) {
      assertThatThrownBy(() -> chain.authenticate(header(null), p)).as(p)
          .isInstanceOf(AuthenticationException.class);
    }
  }

  @Test
  void withAnonymousOnRequestsWithoutCredentialsAreSystemAnonymous() throws Exception {
    AuthenticationChain chain = new AuthenticationChain(List.of(tokens), true);
    UserInfo u = chain.authenticate(header(null), "/api/v1/pods");
    assertThat(u.name()).isEqualTo("system:anonymous");
    assertThat(u.groups()).containsExactly("system:unauthenticated");
    assertThat(chain.authenticate(header("Basic Zm9vOmJhcg=="), "/api").name())
        .isEqualTo("system:anonymous");
  }
}
