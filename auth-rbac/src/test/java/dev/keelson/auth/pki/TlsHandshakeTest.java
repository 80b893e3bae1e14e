package dev.keelson.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real mutual-TLS handshakes over loopback with the {@link LocalPki} certificates. Every blocking
 * call has a bound: socket timeouts on both ends and a bounded wait on the server's thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsHandshakeTest {
  private static final int SOCKET_TIMEOUT_MS = 10_000;
  private static final int REPLY = 42;

  @TempDir static Path dir;
  private static LocalPki pki;

  private final ExecutorService serverThread = Executors.newSingleThreadExecutor();
  private SSLServerSocket server;

  @BeforeAll
  static void createPki() throws IOException {
    pki = LocalPki.ensure(dir, List.of(), List.of());
  }

  @BeforeEach
  void startServer() throws Exception {
    SSLContext context = context(KeyStores.keyStore(pki.server()),
        KeyStores.trustStore(pki.ca().certificate()));
    server = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    server.setSoTimeout(SOCKET_TIMEOUT_MS);
  }

  @AfterEach
  void stopServer() throws IOException {
    server.close();
    serverThread.shutdownNow();
  }

  @Test
  void theServerSeesTheAdminAndTheAdminSeesTheServer() throws Exception {
    Future<String> peer = acceptOne();
    SSLContext client = context(KeyStores.keyStore(pki.admin()),
        KeyStores.trustStore(pki.ca().certificate()));

    try (SSLSocket socket = connect(client)) {
      socket.startHandshake();
      X509Certificate seen = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      assertThat(seen).isEqualTo(pki.server().certificate());
      assertThat(socket.getInputStream().read()).isEqualTo(REPLY);
    }
    assertThat(peer.get(SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .isEqualTo("CN=keelson-admin,O=system:masters");
  }

  @Test
  void aClientWithoutACertificateFailsTheHandshake() throws Exception {
    Future<String> peer = acceptOne();
    SSLContext client = context(null, KeyStores.trustStore(pki.ca().certificate()));

    try (SSLSocket socket = connect(client)) {
      // With TLS 1.3 the client may finish its side first and learn of the rejection on read.
      assertThatThrownBy(() -> {
        socket.startHandshake();
        socket.getInputStream().read();
      }).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> peer.get(SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aClientTrustingAnotherCaRejectsTheServer() throws Exception {
    Future<String> peer = acceptOne();
    CertificateAuthority other = CertificateAuthority.create("keelson-ca",
        LocalPki.CA_VALIDITY);
    SSLContext client = context(KeyStores.keyStore(pki.admin()),
        KeyStores.trustStore(other.certificate()));

    try (SSLSocket socket = connect(client)) {
      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
    assertThatThrownBy(() -> peer.get(SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  /** Accepts one connection, completes the handshake, replies, and returns the peer's name. */
  private Future<String> acceptOne() {
    return serverThread.submit(() -> {
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        socket.startHandshake();
        String name = socket.getSession().getPeerPrincipal().getName();
        socket.getOutputStream().write(REPLY);
        socket.getOutputStream().flush();
        return name;
      }
    });
  }

  /** A client socket that also checks the server certificate's IP SAN, as HTTPS clients do. */
  private SSLSocket connect(SSLContext context) throws IOException {
    String host = server.getInetAddress().getHostAddress();
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host,
        server.getLocalPort());
    socket.setSoTimeout(SOCKET_TIMEOUT_MS);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static SSLContext context(KeyStore keys, KeyStore trust) throws Exception {
    KeyManager[] keyManagers = null;
    if (keys != null) {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, KeyStores.PASSWORD);
      keyManagers = kmf.getKeyManagers();
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, tmf.getTrustManagers(), null);
    return context;
  }
}
