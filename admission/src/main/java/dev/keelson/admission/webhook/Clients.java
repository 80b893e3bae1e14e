package dev.keelson.admission.webhook;

import dev.keelson.auth.pki.KeyStores;
import dev.keelson.auth.pki.Pem;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * HTTPS clients for webhooks, one per TLS identity ({@link Key}), kept while a webhook uses it
 * so that connections are reused. TLS 1.2 or 1.3; no client certificate; redirects are not
 * followed. A client for a URL checks the URL's host as usual; one for a Service checks the
 * Service's DNS name ({@link ServerNameTrustManager}) and sends it as SNI.
 */
final class Clients {
  /**
   * {@code caBundle}: PEM of the CAs to trust, "" for the JVM's default trust store;
   * {@code serverName}: the name the server must prove, or null to check the URL's host.
   */
  record Key(String caBundle, String serverName) {
  }

  private final Map<Key, HttpClient> clients = new ConcurrentHashMap<>();

  /** The client for {@code key}; throws {@link CallFailure} if the CA bundle is unusable. */
  HttpClient get(Key key) throws CallFailure {
    HttpClient c = clients.get(key);
    if (c != null) {
      return c;
    }
    c = create(key);
    HttpClient raced = clients.putIfAbsent(key, c);
    return raced == null ? c : raced;
  }

  /** Forgets the clients of identities no webhook has any more. */
  void retain(Set<Key> inUse) {
    clients.keySet().retainAll(inUse);
  }

  private static HttpClient create(Key key) throws CallFailure {
    SSLContext tls;
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      factory.init(key.caBundle().isBlank() ? null : trustStore(key.caBundle()));
      TrustManager trust = factory.getTrustManagers()[0];
      if (key.serverName() != null) {
        trust = new ServerNameTrustManager((X509TrustManager) trust, key.serverName());
      }
      tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new CallFailure("could not get REST client: " + e.getMessage());
    }
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    if (key.serverName() != null) {
      parameters.setServerNames(List.of(new SNIHostName(key.serverName())));
    }
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(tls)
        .sslParameters(parameters)
        .build();
  }

  private static KeyStore trustStore(String pem) {
    List<X509Certificate> cas = Pem.readCertificates(pem);
    if (cas.isEmpty()) {
      throw new IllegalArgumentException("no certificate in caBundle");
    }
    return KeyStores.trustStore(cas.toArray(X509Certificate[]::new));
  }
}
