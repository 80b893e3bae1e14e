package dev.keelson.chaos.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a Kubernetes API client, from the files {@code keelson pki} writes: trust the
 * cluster CA ({@code ca.crt}) and present the admin's client certificate ({@code admin.crt},
 * with its EC key {@code admin.key} in PKCS#8 PEM).
 */
final class RestTls {
  private static final char[] PASSWORD = "chaos".toCharArray();

  private RestTls() {}

  static SSLContext context(Path pki) {
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      Certificate[] chain;
      Certificate ca;
      try (InputStream in = Files.newInputStream(pki.resolve("admin.crt"))) {
        chain = x509.generateCertificates(in).toArray(new Certificate[0]);
      }
      try (InputStream in = Files.newInputStream(pki.resolve("ca.crt"))) {
        ca = x509.generateCertificate(in);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("admin", privateKey(pki.resolve("admin.key")), PASSWORD, chain);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the certificates in " + pki, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the certificates in " + pki, e);
    }
  }

  /** A PKCS#8 PEM private key (EC, as {@code keelson pki} makes them; RSA also works). */
  static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(pem + " is not a PKCS#8 PEM private key");
    }
    byte[] der = Base64.getMimeDecoder().decode(
        text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    } catch (GeneralSecurityException notEc) {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    }
  }
}
