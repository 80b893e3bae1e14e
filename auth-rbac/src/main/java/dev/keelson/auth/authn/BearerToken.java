package dev.keelson.auth.authn;

import java.util.Optional;

/** The token of an {@code Authorization: Bearer <token>} header (the scheme in any case). */
public final class BearerToken {
  private static final String SCHEME = "bearer";

  private BearerToken() {}

  /** The token, or empty if the header is missing, of another scheme, or carries no token. */
  public static Optional<String> of(Credentials c) {
    String h = c.authorization();
    if (h == null || h.length() <= SCHEME.length()
        || !h.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !Character.isWhitespace(h.charAt(SCHEME.length()))) {
      return Optional.empty();
    }
    String token = h.substring(SCHEME.length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
