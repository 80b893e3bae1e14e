package dev.keelson.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens one master signs are accepted by another with the same key, and only while valid. */
@Timeout(30)
class ServiceAccountTokensTest {
  private static final String ISS = ServiceAccountTokens.DEFAULT_ISSUER;
  private final KeyPair key = ecKey();
  private final Map<String, String> accounts = new HashMap<>(Map.of("team-a/builder", "uid-1"));
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));

  private static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ServiceAccountTokens tokens(KeyPair k) {
    return new ServiceAccountTokens(k, ISS, List.of(), clock,
        (ns, name) -> Optional.ofNullable(accounts.get(ns + "/" + name)));
  }

  private static Credentials bearer(String token) {
    return new Credentials(List.of(), "Bearer " + token);
  }

  @Test
  void aTokenSignedByOneMasterIsAcceptedByAnotherAsTheServiceAccount() throws Exception {
    ServiceAccountTokens.Issued t = tokens(key).issue("team-a", "builder", "uid-1", List.of(),
        Duration.ofHours(1));
    assertThat(t.expires()).isEqualTo(Instant.parse("2026-11-30T01:00:00Z"));
    UserInfo u = tokens(key).authenticate(bearer(t.token())).orElseThrow();
    assertThat(u.name()).isEqualTo("system:serviceaccount:team-a:builder");
    assertThat(u.uid()).isEqualTo("uid-1");
    assertThat(u.groups()).containsExactly("system:serviceaccounts",
        "system:serviceaccounts:team-a", "system:authenticated");
    assertThat(u.extra().get(ServiceAccountTokens.CREDENTIAL_ID).get(0)).startsWith("JTI=");
  }

  @Test
  void anExpiredTokenIsRefused() {
    ServiceAccountTokens s = tokens(key);
    String t = s.issue("team-a", "builder", "uid-1", List.of(), Duration.ofMinutes(10)).token();
    clock.now = clock.now.plus(Duration.ofMinutes(12));
    assertThatThrownBy(() -> s.authenticate(bearer(t)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("expired");
  }

  @Test
  void aTokenOfAnotherKeyIsRefused() {
    String t = tokens(ecKey()).issue("team-a", "builder", "uid-1", List.of(),
        Duration.ofHours(1)).token();
    assertThatThrownBy(() -> tokens(key).authenticate(bearer(t)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("signature");
  }

  @Test
  void aTokenForAnotherAudienceIsRefusedHereButPassesItsOwnReview() throws Exception {
    ServiceAccountTokens s = tokens(key);
    String t = s.issue("team-a", "builder", "uid-1", List.of("vault"), Duration.ofHours(1))
        .token();
    assertThatThrownBy(() -> s.authenticate(bearer(t)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("audiences");
    assertThat(s.review(t, List.of("vault"))).isPresent();
  }

  @Test
  void deletingOrRecreatingTheAccountRevokesItsTokens() {
    ServiceAccountTokens s = tokens(key);
    String t = s.issue("team-a", "builder", "uid-1", List.of(), Duration.ofHours(1)).token();
    accounts.put("team-a/builder", "uid-2");
    assertThatThrownBy(() -> s.authenticate(bearer(t)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("does not match");
    accounts.remove("team-a/builder");
    assertThatThrownBy(() -> s.authenticate(bearer(t)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("deleted");
  }

  @Test
  void anAcceptedTokenIsRememberedForTheCacheTtlOnly() throws Exception {
    ServiceAccountTokens s = tokens(key);
    String t = s.issue("team-a", "builder", "uid-1", List.of(), Duration.ofHours(1)).token();
    assertThat(s.authenticate(bearer(t))).isPresent();
    accounts.remove("team-a/builder");
    assertThat(s.authenticate(bearer(t))).as("cached").isPresent();
    clock.now = clock.now.plus(ServiceAccountTokens.CACHE_TTL).plusSeconds(1);
    assertThatThrownBy(() -> s.authenticate(bearer(t)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("deleted");
  }

  @Test
  void tokensOfOtherIssuersAndNonJwtsAreLeftToOtherAuthenticators() throws Exception {
    ServiceAccountTokens other = new ServiceAccountTokens(key, "https://elsewhere", List.of(),
        clock, (ns, n) -> Optional.of("uid-1"));
    String t = other.issue("team-a", "builder", "uid-1", List.of(), Duration.ofHours(1))
        .token();
    assertThat(tokens(key).authenticate(bearer(t))).isEmpty();
    assertThat(tokens(key).authenticate(bearer("s3cret-dev"))).isEmpty();
    assertThat(tokens(key).authenticate(new Credentials(List.of(), null))).isEmpty();
  }

  @Test
  void serviceAccountUserNamesSplitIntoNamespaceAndName() {
    assertThat(ServiceAccountTokens.accountOf("system:serviceaccount:ns:sa"))
        .containsExactly("ns", "sa");
    assertThat(ServiceAccountTokens.accountOf("system:serviceaccount:ns")).isNull();
    assertThat(ServiceAccountTokens.accountOf("jane")).isNull();
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
