package dev.keelson.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** kube-apiserver's --token-auth-file format, read the way it reads it. */
@Timeout(30)
class TokenFileAuthenticatorTest {
  private static final String FILE = """
      # token,user,uid,groups
      s3cret-dev,dev-user,1001,"developers,qa"
      ops-token , ops , 1002
      "quoted,token",odd,1003,""

      """;

  private static Credentials bearer(String header) {
    return new Credentials(List.of(), header);
  }

  @Test
  void aKnownTokenNamesItsUserUidAndGroupsPlusAuthenticated() throws Exception {
    TokenFileAuthenticator a = TokenFileAuthenticator.parse(FILE, "tokens.csv");
    assertThat(a.size()).isEqualTo(3);
    UserInfo u = a.authenticate(bearer("Bearer s3cret-dev")).orElseThrow();
    assertThat(u.name()).isEqualTo("dev-user");
    assertThat(u.uid()).isEqualTo("1001");
    assertThat(u.groups()).containsExactly("developers", "qa", "system:authenticated");
  }

  @Test
  void fieldsAreTrimmedAndQuotedFieldsMayHoldCommas() throws Exception {
    TokenFileAuthenticator a = TokenFileAuthenticator.parse(FILE, "tokens.csv");
    assertThat(a.authenticate(bearer("bearer ops-token")).orElseThrow().groups())
        .containsExactly("system:authenticated");
    assertThat(a.authenticate(bearer("Bearer quoted,token")).orElseThrow().name())
        .isEqualTo("odd");
  }

  @Test
  void unknownTokensOtherSchemesAndNoHeaderAreNotRecognised() throws Exception {
    TokenFileAuthenticator a = TokenFileAuthenticator.parse(FILE, "tokens.csv");
    assertThat(a.authenticate(bearer("Bearer s3cret-de"))).isEmpty();
    assertThat(a.authenticate(bearer("Bearer s3cret-dev2"))).isEmpty();
    assertThat(a.authenticate(bearer("Basic s3cret-dev"))).isEmpty();
    assertThat(a.authenticate(bearer("Bearers3cret-dev"))).isEmpty();
    assertThat(a.authenticate(bearer("Bearer "))).isEmpty();
    assertThat(a.authenticate(bearer(null))).isEmpty();
  }

  @Test
  void malformedLinesAreErrorsNamingTheLine() {
    assertThatThrownBy(() -> TokenFileAuthenticator.parse("a,b,c\nonly,two\n", "t.csv"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t.csv line 2");
    assertThatThrownBy(() -> TokenFileAuthenticator.parse(",user,1\n", "t.csv"))
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> TokenFileAuthenticator.parse("t,a,1\nt,b,2\n", "t.csv"))
        .hasMessageContaining("line 2").hasMessageContaining("already");
    assertThatThrownBy(() -> TokenFileAuthenticator.parse("\"t,a,1\n", "t.csv"))
        .hasMessageContaining("unterminated quote");
  }
}
