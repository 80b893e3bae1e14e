package dev.keelson.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalPkiTest {
  private static final List<String> FILES =
      List.of("ca.crt", "ca.key", "server.crt", "server.key", "admin.crt", "admin.key",
          "peer.crt", "peer.key", "etcd-client.crt", "etcd-client.key", "sa.key", "sa.pub");
  /** A time no file written by a test has, so an unchanged mtime proves "not rewritten". */
  private static final FileTime MARK = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

  @TempDir Path dir;

  @Test
  void createsTheCaServerAndAdminCertificatesWithTheirNamesAndSans() throws Exception {
    LocalPki pki = LocalPki.ensure(dir, List.of("node-1.example"), List.of("10.0.0.7"));

    assertThat(FILES).allSatisfy(name -> assertThat(dir.resolve(name)).isRegularFile());
    X509Certificate ca = Pem.readCertificate(pki.caCertFile());
    assertThat(ca).isEqualTo(pki.ca().certificate());
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=keelson-ca");
    assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()))
        .isGreaterThan(Duration.ofDays(3650));

    X509Certificate server = Pem.readCertificate(pki.serverCertFile());
    server.verify(ca.getPublicKey());
    assertThat(server).isEqualTo(pki.server().certificate());
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=keelson-apiserver");
    assertThat(sanValues(server))
        .containsExactlyInAnyOrder("node-1.example", "localhost", "kubernetes",
            "kubernetes.default", "kubernetes.default.svc", "10.0.0.7", "127.0.0.1");

    X509Certificate admin = Pem.readCertificate(pki.adminCertFile());
    admin.verify(ca.getPublicKey());
    assertThat(admin.getSubjectX500Principal().getName())
        .isEqualTo("CN=keelson-admin,O=system:masters");

    Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));
    for (String key : List.of("ca.key", "server.key", "admin.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .as(key).isEqualTo("rw-------");
    }
  }

  @Test
  void eachMasterMayHaveItsOwnServingAndPeerCertificatesNamingItsAddresses() throws Exception {
    LocalPki pki = LocalPki.ensure(dir, List.of("api.example"), List.of("10.0.0.10"));
    assertThat(LocalPki.forMaster(dir, "m1", "server.crt")).isEqualTo(dir.resolve("server.crt"));
    pki.ensureMaster("m1", List.of("api.example"), List.of("10.0.0.10"),
        List.of("10.0.0.1", "m1.example"));
    assertThat(LocalPki.forMaster(dir, "m1", "server.crt"))
        .isEqualTo(dir.resolve("m1/server.crt"));
    assertThat(LocalPki.forMaster(dir, "m2", "peer.key")).isEqualTo(dir.resolve("peer.key"));
    for (String f : List.of("server.crt", "peer.crt")) {
      X509Certificate c = Pem.readCertificate(dir.resolve("m1").resolve(f));
      c.verify(pki.ca().certificate().getPublicKey());
      assertThat(sanValues(c)).contains("m1.example", "10.0.0.1", "api.example", "10.0.0.10",
          "localhost", "127.0.0.1");
    }
    assertThat(Files.getPosixFilePermissions(dir.resolve("m1/server.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    FileTime written = Files.getLastModifiedTime(dir.resolve("m1/peer.crt"));
    Files.setLastModifiedTime(dir.resolve("m1/peer.crt"), MARK);
    pki.ensureMaster("m1", List.of("api.example"), List.of("10.0.0.10"), List.of("10.0.0.1"));
    assertThat(Files.getLastModifiedTime(dir.resolve("m1/peer.crt"))).as("kept, was %s",
        written).isEqualTo(MARK);
    assertThatThrownBy(() -> pki.ensureMaster("../x", List.of(), List.of(), List.of("a")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theServiceAccountKeyPairIsCreatedOnceAndKeptAfterwards() throws Exception {
    LocalPki first = LocalPki.ensure(dir, List.of(), List.of());
    assertThat(Files.getPosixFilePermissions(dir.resolve("sa.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    LocalPki second = LocalPki.ensure(dir, List.of(), List.of());
    assertThat(second.serviceAccountKey().getPublic())
        .isEqualTo(first.serviceAccountKey().getPublic());
    assertThat(LocalPki.readServiceAccountKey(dir).getPublic())
        .isEqualTo(first.serviceAccountKey().getPublic());

    Files.delete(dir.resolve("sa.pub"));
    assertThatThrownBy(() -> LocalPki.ensure(dir, List.of(), List.of()))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("invalidates every token");
  }

  @Test
  void runningAgainKeepsTheCaAndRewritesNothing() throws Exception {
    LocalPki first = LocalPki.ensure(dir, List.of("a.example"), List.of());
    Map<String, String> before = markAndRead();

    LocalPki second = LocalPki.ensure(dir, List.of("a.example"), List.of());

    assertThat(second.ca().certificate().getSerialNumber())
        .isEqualTo(first.ca().certificate().getSerialNumber());
    assertThat(second.server().certificate()).isEqualTo(first.server().certificate());
    assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
    assertThat(rewritten()).isEmpty();
    assertThat(markAndRead()).isEqualTo(before);
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void askingForANewSanReissuesOnlyTheServerAndPeerCertificates() throws Exception {
    LocalPki first = LocalPki.ensure(dir, List.of("a.example"), List.of());
    markAndRead();

    LocalPki second = LocalPki.ensure(dir, List.of("b.example"), List.of("192.168.1.5"));

    assertThat(rewritten()).containsExactlyInAnyOrder("server.crt", "server.key", "peer.crt",
        "peer.key");
    assertThat(sanValues(second.peer().certificate())).contains("b.example", "192.168.1.5");
    assertThat(second.peer().certificate().getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
    assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
    X509Certificate server = Pem.readCertificate(second.serverCertFile());
    assertThat(server.getSerialNumber()).isNotEqualTo(
        first.server().certificate().getSerialNumber());
    server.verify(first.ca().certificate().getPublicKey());
    assertThat(sanValues(server))
        .contains("b.example", "192.168.1.5", "127.0.0.1", "kubernetes.default.svc");
    assertThat(Pem.readPrivateKey(second.serverKeyFile())).isEqualTo(second.server().key());
  }

  @Test
  void aSanAlreadyPresentInAnotherSpellingReissuesNothing() throws Exception {
    LocalPki.ensure(dir, List.of("Node.Example"), List.of("::1"));
    markAndRead();

    LocalPki.ensure(dir, List.of("node.example"), List.of("0:0:0:0:0:0:0:1"));

    assertThat(rewritten()).isEmpty();
  }

  @Test
  void leafCertificatesNearTheirEndAreReissuedUnderTheSameCa() throws Exception {
    Instant start = Instant.parse("2030-01-01T00:00:00Z");
    LocalPki first =
        LocalPki.ensure(dir, List.of(), List.of(), Clock.fixed(start, ZoneOffset.UTC));
    markAndRead();

    Instant later = start.plus(LocalPki.LEAF_VALIDITY).minus(Duration.ofDays(1));
    LocalPki second =
        LocalPki.ensure(dir, List.of(), List.of(), Clock.fixed(later, ZoneOffset.UTC));

    assertThat(rewritten()).containsExactlyInAnyOrder("server.crt", "server.key", "admin.crt",
        "admin.key", "peer.crt", "peer.key", "etcd-client.crt", "etcd-client.key");
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
    second.admin().certificate().checkValidity(Date.from(later.plus(Duration.ofDays(300))));
  }

  @Test
  void aMissingOrForeignLeafKeyReissuesThatLeafOnly() throws Exception {
    LocalPki.ensure(dir, List.of(), List.of());
    Files.delete(dir.resolve("admin.key"));
    Files.copy(dir.resolve("admin.crt"), dir.resolve("server.crt"),
        StandardCopyOption.REPLACE_EXISTING); // server.key no longer matches
    markAndRead();

    LocalPki pki = LocalPki.ensure(dir, List.of(), List.of());

    assertThat(rewritten()).containsExactlyInAnyOrder("server.crt", "server.key", "admin.crt",
        "admin.key");
    assertThat(pki.server().certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=keelson-apiserver");
    assertThat(PemTest.verifies(Pem.readPrivateKey(pki.adminKeyFile()),
        Pem.readCertificate(pki.adminCertFile()).getPublicKey(), "SHA256withECDSA")).isTrue();
  }

  @Test
  void aCaKeyWithoutItsCertificateIsAnErrorNotANewCa() throws Exception {
    LocalPki.ensure(dir, List.of(), List.of());
    Files.delete(dir.resolve("ca.crt"));

    assertThatThrownBy(() -> LocalPki.ensure(dir, List.of(), List.of()))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("ca.crt");
    assertThat(dir.resolve("ca.crt")).doesNotExist();
  }

  @Test
  void anIpThatIsNotALiteralIsRejectedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> LocalPki.ensure(dir, List.of(), List.of("localhost")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir).isEmptyDirectory();
  }

  private static List<Object> sanValues(X509Certificate cert) throws Exception {
    return cert.getSubjectAlternativeNames().stream().map(san -> san.get(1))
        .collect(Collectors.toList());
  }

  /** Sets every existing file's mtime to {@link #MARK}, and returns the files' contents. */
  private Map<String, String> markAndRead() throws IOException {
    Map<String, String> contents = new HashMap<>();
    for (String name : FILES) {
      if (!Files.exists(dir.resolve(name))) {
        continue;
      }
      Files.setLastModifiedTime(dir.resolve(name), MARK);
      contents.put(name, Files.readString(dir.resolve(name)));
    }
    return contents;
  }

  /** The files written since {@link #markAndRead}. */
  private List<String> rewritten() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> {
        try {
          return !Files.getLastModifiedTime(file).equals(MARK);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).map(file -> file.getFileName().toString()).toList();
    }
  }
}
