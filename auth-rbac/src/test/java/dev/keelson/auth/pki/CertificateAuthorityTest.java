package dev.keelson.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SignatureException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateAuthorityTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS = 2;
  private static final int IP = 7;
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

  private final CertificateAuthority ca =
      CertificateAuthority.create("test-ca", Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void theCaIsSelfSignedWithCaConstraintsAndCertSignUsage() throws Exception {
    X509Certificate cert = ca.certificate();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=test-ca");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19"); // basicConstraints
    boolean[] usage = cert.getKeyUsage();
    assertThat(usage[5]).as("keyCertSign").isTrue();
    assertThat(usage[6]).as("cRLSign").isTrue();
    assertThat(usage[0]).as("digitalSignature").isFalse();
    assertThat(cert.getExtensionValue("2.5.29.14")).as("subject key id").isNotNull();
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void aServerCertificateVerifiesAgainstTheCaAndCarriesItsSansAndServerAuth() throws Exception {
    IssuedCert server = ca.issueServer("api", List.of("api.example", "localhost"),
        List.of("127.0.0.1", "10.1.2.3", "::1"), Duration.ofDays(1));
    X509Certificate cert = server.certificate();

    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=api");
    assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(DNS, "api.example"), List.of(DNS, "localhost"), List.of(IP, "127.0.0.1"),
        List.of(IP, "10.1.2.3"), List.of(IP, "0:0:0:0:0:0:0:1"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(cert.getExtensionValue("2.5.29.35")).as("authority key id").isNotNull();
    assertThat(server.key().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void aServerCertificateIsRejectedByAnotherCa() throws Exception {
    // Same name and validity: only the key tells the two apart.
    CertificateAuthority other = CertificateAuthority.create("test-ca", Duration.ofDays(30),
        Clock.fixed(NOW, ZoneOffset.UTC));
    X509Certificate cert =
        ca.issueServer("api", List.of("api"), List.of(), Duration.ofDays(1)).certificate();

    assertThatThrownBy(() -> cert.verify(other.certificate().getPublicKey()))
        .isInstanceOf(SignatureException.class);
    assertThatThrownBy(() -> validate(cert, other.certificate()))
        .isInstanceOf(CertPathValidatorException.class);
    assertThatCode(() -> validate(cert, ca.certificate())).doesNotThrowAnyException();
  }

  @Test
  void aClientCertificateHasTheCommonNameAndOneOrganizationPerGroup() throws Exception {
    IssuedCert client = ca.issueClient("alice", List.of("system:masters", "devs"),
        Duration.ofDays(1));
    X509Certificate cert = client.certificate();

    cert.verify(ca.certificate().getPublicKey());
    LdapName subject = new LdapName(cert.getSubjectX500Principal().getName());
    assertThat(subject.getRdns()).extracting(Rdn::getType, Rdn::getValue)
        .containsExactlyInAnyOrder(
            tuple("CN", "alice"),
            tuple("O", "system:masters"),
            tuple("O", "devs"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(cert.getSubjectAlternativeNames()).isNull();
  }

  @Test
  void validityStartsFiveMinutesBeforeNowAndNeverOutlivesTheCa() {
    X509Certificate shortLived =
        ca.issueClient("a", List.of(), Duration.ofHours(2)).certificate();
    assertThat(shortLived.getNotBefore()).isEqualTo(Date.from(NOW.minus(Duration.ofMinutes(5))));
    assertThat(shortLived.getNotAfter()).isEqualTo(Date.from(NOW.plus(Duration.ofHours(2))));

    X509Certificate longLived =
        ca.issueClient("a", List.of(), Duration.ofDays(3650)).certificate();
    assertThat(longLived.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void serialsArePositiveRandom128BitNumbers() {
    X509Certificate a = ca.issueClient("a", List.of(), Duration.ofDays(1)).certificate();
    X509Certificate b = ca.issueClient("a", List.of(), Duration.ofDays(1)).certificate();
    assertThat(Set.of(a.getSerialNumber(), b.getSerialNumber(),
        ca.certificate().getSerialNumber())).hasSize(3);
    assertThat(List.of(a, b, ca.certificate())).allSatisfy(cert -> {
      assertThat(cert.getSerialNumber().signum()).isPositive();
      assertThat(cert.getSerialNumber().bitLength()).isEqualTo(128);
    });
  }

  @Test
  void anIpAddressThatIsNotALiteralIsRejected() {
    assertThatThrownBy(() -> ca.issueServer("api", List.of(), List.of("example.com"),
        Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("example.com");
  }

  @Test
  void aWrittenCaLoadsBackAndKeepsItsKeyPrivate(@TempDir Path dir) throws Exception {
    Path crt = dir.resolve("pki/ca.crt");
    Path key = dir.resolve("pki/ca.key");
    ca.write(crt, key);

    CertificateAuthority loaded = CertificateAuthority.load(crt, key);
    assertThat(loaded.certificate()).isEqualTo(ca.certificate());
    assertThat(loaded.certificatePem()).isEqualTo(ca.certificatePem());
    loaded.issueClient("bob", List.of(), Duration.ofDays(1)).certificate()
        .verify(ca.certificate().getPublicKey());
    Assumptions.assumeTrue(Files.getFileStore(key).supportsFileAttributeView("posix"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(dir.resolve("pki")).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void loadingRejectsAKeyOfAnotherCertificateAndALeafAsCa(@TempDir Path dir) throws Exception {
    CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
    other.write(dir.resolve("other.crt"), dir.resolve("other.key"));
    ca.write(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("ca.crt"),
        dir.resolve("other.key"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the key of");

    ca.issueClient("leaf", List.of(), Duration.ofDays(1))
        .write(dir.resolve("leaf.crt"), dir.resolve("leaf.key"));
    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("leaf.crt"),
        dir.resolve("leaf.key"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a CA");
  }

  private static void validate(X509Certificate cert, X509Certificate anchor) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(NOW));
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
  }
}
