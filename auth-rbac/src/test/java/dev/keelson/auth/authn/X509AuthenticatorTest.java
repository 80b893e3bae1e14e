package dev.keelson.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.auth.pki.CertificateAuthority;
import dev.keelson.auth.pki.IssuedCert;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client certificate names the user (CN) and groups (each O), as in Kubernetes. */
@Timeout(30)
class X509AuthenticatorTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("test-ca",
      Duration.ofDays(1));

  @Test
  void commonNameIsTheUserAndOrganizationsAreTheGroups() throws Exception {
    IssuedCert c = CA.issueClient("jane", List.of("dev", "ops"), Duration.ofHours(1));
    UserInfo u = new X509Authenticator().authenticate(new Credentials(
        List.of(c.certificate()), null)).orElseThrow();
    assertThat(u.name()).isEqualTo("jane");
    assertThat(u.groups()).containsExactly("dev", "ops", "system:authenticated");
  }

  @Test
  void noCertificateIsNotThisAuthenticatorsBusiness() throws Exception {
    assertThat(new X509Authenticator().authenticate(new Credentials(List.of(), "Bearer x")))
        .isEmpty();
  }
}
