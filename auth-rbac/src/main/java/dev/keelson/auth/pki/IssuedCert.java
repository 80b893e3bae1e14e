package dev.keelson.auth.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate with its private key.
 *
 * @param certificate the certificate; its public key is the public half of {@code key}
 * @param key the private key
 */
public record IssuedCert(X509Certificate certificate, PrivateKey key) {
  public IssuedCert {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
  }

  /**
   * Reads a certificate and its key from PEM files.
   *
   * @throws IllegalArgumentException if a file is malformed or the key is not the certificate's
   */
  public static IssuedCert read(Path certPem, Path keyPem) throws IOException {
    IssuedCert issued = new IssuedCert(Pem.readCertificate(certPem), Pem.readPrivateKey(keyPem));
    if (!Keys.matches(issued.key(), issued.certificate().getPublicKey())) {
      throw new IllegalArgumentException(keyPem + " is not the key of " + certPem);
    }
    return issued;
  }

  /** The certificate as a PEM {@code CERTIFICATE} block. */
  public String certificatePem() {
    return Pem.encode(certificate);
  }

  /** The key as an unencrypted PKCS#8 PEM {@code PRIVATE KEY} block. */
  public String keyPem() {
    return Pem.encode(key);
  }

  /** Writes the certificate (mode 0644) and the key (mode 0600, where POSIX), each atomically. */
  public void write(Path certPem, Path keyPem) throws IOException {
    SecureFiles.writePrivate(keyPem, keyPem());
    SecureFiles.writePublic(certPem, certificatePem());
  }
}
