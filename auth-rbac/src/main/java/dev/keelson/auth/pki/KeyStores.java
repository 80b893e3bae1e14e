package dev.keelson.auth.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * In-memory PKCS#12 key stores for JSSE ({@code KeyManagerFactory}, {@code TrustManagerFactory}).
 * Nothing is written to disk, so the password only satisfies providers that refuse an empty one.
 */
public final class KeyStores {
  /** The alias of the one key entry in a {@link #keyStore}. */
  public static final String ALIAS = "keelson";

  /**
   * The password of every store made here and of its key entry. Shared and mutable as arrays
   * are: pass it, never change it.
   */
  public static final char[] PASSWORD = "keelson".toCharArray();

  private KeyStores() {}

  /**
   * A store with one key entry, alias {@value #ALIAS}: {@code leaf}'s key and the chain
   * {@code leaf.certificate(), chain...} (intermediates then, optionally, the root).
   */
  public static KeyStore keyStore(IssuedCert leaf, X509Certificate... chain) {
    Certificate[] certificates = new Certificate[chain.length + 1];
    certificates[0] = leaf.certificate();
    System.arraycopy(chain, 0, certificates, 1, chain.length);
    KeyStore store = empty();
    try {
      store.setKeyEntry(ALIAS, leaf.key(), PASSWORD, certificates);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot store key of " + subject(leaf.certificate()), e);
    }
    return store;
  }

  /** A store whose trusted-certificate entries, {@code ca-0}, {@code ca-1}..., are {@code cas}. */
  public static KeyStore trustStore(X509Certificate... cas) {
    KeyStore store = empty();
    for (int i = 0; i < cas.length; i++) {
      try {
        store.setCertificateEntry("ca-" + i, cas[i]);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot trust " + subject(cas[i]), e);
      }
    }
    return store;
  }

  private static KeyStore empty() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, PASSWORD);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new PkiException("cannot create an in-memory PKCS12 key store", e);
    }
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
