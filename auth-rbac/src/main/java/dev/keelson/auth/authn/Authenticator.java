package dev.keelson.auth.authn;

import java.util.Optional;

/**
 * Tells who presented these credentials. Empty means "not mine" (the next authenticator may
 * know them); {@link AuthenticationException} means they are mine and invalid (401).
 */
public interface Authenticator {
  Optional<UserInfo> authenticate(Credentials c) throws AuthenticationException;
}
