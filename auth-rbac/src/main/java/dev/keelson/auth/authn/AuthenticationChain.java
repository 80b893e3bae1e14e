package dev.keelson.auth.authn;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request: the authenticators in order, the first that knows the credentials wins.
 *
 * <ul>
 *   <li>Credentials an authenticator refuses (a bad signature, an expired token) are a 401,
 *       even if a later authenticator might have accepted something else in the request.
 *   <li>A bearer token that no authenticator knows is a 401, as in Kubernetes: presenting a
 *       wrong token never falls back to anonymous access.
 *   <li>A request with no credentials is {@code system:anonymous} if anonymous access is on;
 *       otherwise it is a 401, except on the paths in {@link #PUBLIC_PATHS} (health and
 *       version), which load balancers and probes call without credentials.
 * </ul>
 */
public final class AuthenticationChain {
  /** Served to requests without credentials even when anonymous access is off. */
  public static final Set<String> PUBLIC_PATHS = Set.of("/livez", "/readyz", "/healthz",
      "/version");

  private final List<Authenticator> authenticators;
  private final boolean anonymous;

  public AuthenticationChain(List<Authenticator> authenticators, boolean anonymous) {
    this.authenticators = List.copyOf(authenticators);
    this.anonymous = anonymous;
  }

  public boolean anonymousEnabled() {
    return anonymous;
  }

  /**
   * The user of a request for {@code path}.
   *
   * @throws AuthenticationException for a 401: refused or unknown credentials, or none where
   *     they are required
   */
  public UserInfo authenticate(Credentials c, String path) throws AuthenticationException {
    for (Authenticator a : authenticators) {
      Optional<UserInfo> u = a.authenticate(c);
      if (u.isPresent()) {
        return u.get();
      }
    }
    if (BearerToken.of(c).isPresent()) {
      throw new AuthenticationException("invalid bearer token");
    }
    if (anonymous || isPublic(path)) {
      return UserInfo.ANONYMOUS;
    }
    throw new AuthenticationException("no credentials");
  }

  /** Whether {@code path} is a health or version path ({@code /livez/ping} included). */
  public static boolean isPublic(String path) {
    if (PUBLIC_PATHS.contains(path)) {
      return true;
    }
    int slash = path.indexOf('/', 1);
    return slash > 0 && !path.startsWith("/version") && PUBLIC_PATHS.contains(
        path.substring(0, slash));
  }
}
