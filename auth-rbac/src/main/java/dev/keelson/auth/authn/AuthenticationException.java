package dev.keelson.auth.authn;

/** Credentials an authenticator recognises but refuses (answered with 401 Unauthorized). */
public final class AuthenticationException extends Exception {
  public AuthenticationException(String message) {
    super(message);
  }
}
