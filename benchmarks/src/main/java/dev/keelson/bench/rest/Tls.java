package dev.keelson.bench.rest;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of the API's TLS from PEM files: trust only {@code ca}, and present
 * {@code cert} (with the chain the file holds) and its {@code key}.
 *
 * @param ca the cluster CA's certificate(s)
 * @param cert the client certificate, first in the file, then any intermediates
 * @param key its private key, unencrypted PKCS#8
 */
record Tls(Path ca, Path cert, Path key) {
  private static final char[] NO_PASSWORD = new char[0];

  /** A TLS context for the files; fails with what is wrong with which file. */
  SSLContext context() throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    List<X509Certificate> cas = Pem.certificates(ca);
    for (int i = 0; i < cas.size(); i++) {
      trust.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);

    PrivateKey privateKey = Pem.privateKey(key);
    List<X509Certificate> chain = Pem.certificates(cert);
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    identity.setKeyEntry("client", privateKey, NO_PASSWORD,
        chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(identity, NO_PASSWORD);

    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
