package dev.keelson.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PemTest {
  private static final CertificateAuthority CA =
      CertificateAuthority.create("pem-ca", Duration.ofDays(1));

  @Test
  void aCertificateAndItsKeySurviveAWriteAndReadThroughFiles(@TempDir Path dir) throws Exception {
    IssuedCert issued = CA.issueServer("api", List.of("api"), List.of(), Duration.ofDays(1));
    Files.writeString(dir.resolve("api.crt"), Pem.encode(issued.certificate()));
    Files.writeString(dir.resolve("api.key"), Pem.encode(issued.key()));

    X509Certificate cert = Pem.readCertificate(dir.resolve("api.crt"));
    PrivateKey key = Pem.readPrivateKey(dir.resolve("api.key"));

    assertThat(cert.getEncoded()).isEqualTo(issued.certificate().getEncoded());
    assertThat(key.getEncoded()).isEqualTo(issued.key().getEncoded());
    assertThat(verifies(key, cert.getPublicKey(), "SHA256withECDSA")).isTrue();
    assertThat(verifies(key, CA.certificate().getPublicKey(), "SHA256withECDSA")).isFalse();
  }

  @Test
  void certificatesAreCertificateBlocksAndKeysArePkcs8Blocks() {
    IssuedCert issued = CA.issueClient("a", List.of(), Duration.ofDays(1));
    assertThat(issued.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(issued.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Pem.readCertificate(issued.certificatePem())).isEqualTo(issued.certificate());
  }

  @Test
  void aBundleReadsBackInOrderAndSkipsOtherBlocks() {
    IssuedCert leaf = CA.issueClient("a", List.of(), Duration.ofDays(1));
    String bundle = leaf.certificatePem() + leaf.keyPem() + CA.certificatePem();

    assertThat(Pem.readCertificates(bundle)).containsExactly(leaf.certificate(), CA.certificate());
    assertThat(Pem.readCertificate(bundle)).isEqualTo(leaf.certificate());
    assertThat(Pem.readPrivateKey(bundle)).isEqualTo(leaf.key());
    assertThat(Pem.readCertificates("no pem here")).isEmpty();
  }

  /** One throwaway P-256 key from {@code openssl ecparam -name prime256v1 -genkey}... */
  private static final String OPENSSL_EC = String.join("\n",
      "-----BEGIN EC PARAMETERS-----",
      "BggqhkjOPQMBBw==",
      "-----END EC PARAMETERS-----",
      "-----BEGIN EC PRIVATE KEY-----",
      "MHcCAQEEIPYQ/QyZGnjQByCgtZ0bEXra49FndA3fWqldLu4Y29LWoAoGCCqGSM49",
      "AwEHoUQDQgAEtzHc7478qOQHiUfu0iblPLpxj2EHUnpvBPg4DbfKZ0ugJPaN6Ehw",
      "0WheCaqv09KXlT/3XhwyGcpCx/DD4kGCSA==",
      "-----END EC PRIVATE KEY-----", "");
  /** ... and the same key through {@code openssl pkcs8 -topk8 -nocrypt}. */
  private static final String OPENSSL_EC_PKCS8 = String.join("\n",
      "-----BEGIN PRIVATE KEY-----",
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9hD9DJkaeNAHIKC1",
      "nRsRetrj0Wd0Dd9aqV0u7hjb0tahRANCAAS3Mdzvjvyo5AeJR+7SJuU8unGPYQdS",
      "em8E+DgNt8pnS6Ak9o3oSHDRaF4Jqq/T0peVP/deHDIZykLH8MPiQYJI",
      "-----END PRIVATE KEY-----", "");

  @Test
  void anOpenSslEcPrivateKeyAfterItsParametersBlockIsTheSameKeyAsItsPkcs8Form() {
    PrivateKey traditional = Pem.readPrivateKey(OPENSSL_EC);
    PrivateKey pkcs8 = Pem.readPrivateKey(OPENSSL_EC_PKCS8);

    assertThat(traditional.getAlgorithm()).isEqualTo("EC");
    assertThat(((ECPrivateKey) traditional).getS()).isEqualTo(((ECPrivateKey) pkcs8).getS());
    assertThat(((ECPrivateKey) traditional).getParams().getCurve())
        .isEqualTo(((ECPrivateKey) pkcs8).getParams().getCurve());
    assertThat(Pem.encode(traditional)).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  /** {@code JcaPEMWriter} writes a bare RSA {@code PrivateKey} in OpenSSL's traditional form. */
  @Test
  void anRsaPrivateKeyBlockIsRead() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair.getPrivate());
    }
    assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    PrivateKey read = Pem.readPrivateKey(out.toString());

    assertThat(read.getAlgorithm()).isEqualTo("RSA");
    assertThat(verifies(read, pair.getPublic(), "SHA256withRSA")).isTrue();
  }

  @Test
  void textWithoutTheWantedObjectIsAnIllegalArgument() {
    String certOnly = CA.certificatePem();
    assertThatThrownBy(() -> Pem.readPrivateKey(certOnly))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no private key");
    assertThatThrownBy(() -> Pem.readCertificate(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificate");
    String corrupt = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assertThatThrownBy(() -> Pem.readCertificate(corrupt))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static boolean verifies(PrivateKey key, PublicKey publicKey, String algorithm)
      throws Exception {
    byte[] data = "to be signed".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(data);
    return verifier.verify(signature);
  }
}
