package dev.keelson.admission.webhook;

import java.net.URI;
import java.util.Objects;

/**
 * Where a webhook is called: a URL, or a Service ({@code service} set, {@code url} null) that
 * {@link ServiceResolver} turns into an address at call time. {@code caBundle} is the PEM text
 * of the CAs to trust, "" for the JVM's default trust store.
 */
record ClientConfig(URI url, Service service, String caBundle) {
  /** {@code clientConfig.service}: the webhook is at {@code https://<name>.<namespace>.svc}. */
  record Service(String namespace, String name, String path, int port) {
    Service {
      Objects.requireNonNull(namespace);
      Objects.requireNonNull(name);
      path = path == null ? "" : path;
    }

    /** The name the server's certificate must carry, as Kubernetes verifies it. */
    String serverName() {
      return name + "." + namespace + ".svc";
    }
  }

  ClientConfig {
    if ((url == null) == (service == null)) {
      throw new IllegalArgumentException("exactly one of url and service is required");
    }
    caBundle = caBundle == null ? "" : caBundle;
  }

  /** The TLS identity of this webhook's clients: what {@link Clients} caches them by. */
  Clients.Key clientKey() {
    return new Clients.Key(caBundle, service == null ? null : service.serverName());
  }
}
