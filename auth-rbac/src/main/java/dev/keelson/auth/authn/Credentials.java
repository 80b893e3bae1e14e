package dev.keelson.auth.authn;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a request presents: the client certificate chain the TLS layer verified against the
 * cluster CA (empty if none) and the Authorization header (null if none).
 */
public record Credentials(List<X509Certificate> verifiedChain, String authorization) {
  public Credentials {
    verifiedChain = verifiedChain == null ? List.of() : List.copyOf(verifiedChain);
  }
}
