package dev.keelson.store.raft;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A certificate, its private key (PKCS#8 PEM) and the CA certificate that peers' certificates
 * must be signed by, as PEM files: what one side of a mutual-TLS connection needs.
 */
public record TlsFiles(Path cert, Path key, Path ca) {
  public TlsFiles {
    for (Path p : new Path[] {cert, key, ca}) {
      if (p == null || !Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file missing or unreadable: " + p);
      }
    }
  }

  public X509Certificate certificate() throws IOException {
    return readCertificate(cert);
  }

  public X509Certificate caCertificate() throws IOException {
    return readCertificate(ca);
  }

  /** The key: an unencrypted PKCS#8 {@code PRIVATE KEY} block, EC or RSA. */
  public PrivateKey privateKey() throws IOException {
    String pem = Files.readString(key, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IOException(key + ": no PKCS#8 PRIVATE KEY block");
    }
    byte[] der = Base64.getMimeDecoder().decode(
        pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(key + ": neither an EC nor an RSA private key");
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
