package dev.keelson.admission.webhook;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a server whose chain {@code delegate} trusts and whose certificate names
 * {@code serverName} in a DNS subjectAltName (a leading {@code *.} label matches one label; the
 * subject CN is not looked at, as Go's crypto/x509), whatever host the connection went to. A
 * webhook behind a Service is reached at an endpoint's IP address yet must prove it is
 * {@code <service>.<namespace>.svc}; the JDK HttpClient can only check the host of the URI it
 * connects to. Being an {@link X509ExtendedTrustManager}, it replaces the JDK's own host check.
 */
final class ServerNameTrustManager extends X509ExtendedTrustManager {
  private final X509TrustManager delegate;
  private final String serverName;

  ServerNameTrustManager(X509TrustManager delegate, String serverName) {
    this.delegate = delegate;
    this.serverName = serverName.toLowerCase(Locale.ROOT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    List<String> names = dnsNames(chain[0]);
    for (String name : names) {
      if (matches(name.toLowerCase(Locale.ROOT))) {
        return;
      }
    }
    throw new CertificateException("x509: certificate is valid for " + names + ", not "
        + serverName);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  private boolean matches(String name) {
    if (name.equals(serverName)) {
      return true;
    }
    if (!name.startsWith("*.")) {
      return false;
    }
    int dot = serverName.indexOf('.');
    return dot > 0 && serverName.substring(dot).equals(name.substring(1));
  }

  private static List<String> dnsNames(X509Certificate certificate) throws CertificateException {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
        if (((Integer) san.get(0)) == 2) {
          names.add((String) san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      throw new CertificateException("x509: unreadable subjectAltName", e);
    }
    return names;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a webhook client trusts no clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
