package dev.keelson.auth.pki;

/**
 * A cryptographic operation failed that cannot fail with a sound JDK and BouncyCastle: a missing
 * algorithm, a key the JDK providers reject, a signer that cannot be built. Bad input (malformed
 * PEM, a key that does not match its certificate) is an {@link IllegalArgumentException} instead.
 */
public final class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
