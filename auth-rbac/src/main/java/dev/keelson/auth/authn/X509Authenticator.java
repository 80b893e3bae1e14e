package dev.keelson.auth.authn;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client certificates, as Kubernetes reads them: the user is the subject's CN, the groups its
 * O values, plus {@code system:authenticated}. The chain was verified by TLS against the
 * cluster CA before the request got here.
 */
public final class X509Authenticator implements Authenticator {
  @Override
  public Optional<UserInfo> authenticate(Credentials c) throws AuthenticationException {
    if (c.verifiedChain().isEmpty()) {
      return Optional.empty();
    }
    X509Certificate leaf = c.verifiedChain().get(0);
    String cn = null;
    List<String> groups = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && cn == null) {
          cn = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      throw new AuthenticationException("unreadable certificate subject");
    }
    if (cn == null || cn.isEmpty()) {
      throw new AuthenticationException("client certificate has no common name");
    }
    groups.add("system:authenticated");
    return Optional.of(new UserInfo(cn, "", groups, Map.of()));
  }
}
