package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PEM loading against a real TLS server that requires a client certificate: keys and
 * self-signed EC certificates made by the JDK's keytool, written out as PEM the way
 * {@code keelson pki} writes them (PKCS#8 key).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir static Path dir;
  private static HttpsServer server;

  /** A self-signed EC identity made by keytool: its key store, and PEM files of it. */
  private record Identity(KeyStore store, Path certPem, Path keyPem) {}

  private static Identity identity(String name) throws Exception {
    Path p12 = dir.resolve(name + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name,
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", p12.toString(), "-storepass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(p12.toFile())) {
      ks.load(in, PASSWORD);
    }
    Certificate cert = ks.getCertificate(name);
    PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD);
    Path certPem = dir.resolve(name + ".crt");
    Path keyPem = dir.resolve(name + ".key");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    return new Identity(ks, certPem, keyPem);
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static Identity serverId;
  private static Identity clientId;

  @BeforeAll
  static void start() throws Exception {
    serverId = identity("server");
    clientId = identity("client");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(serverId.store(), PASSWORD);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("client", clientId.store().getCertificate("client"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", ex -> {
      byte[] who = ((HttpsExchange) ex).getSSLSession().getPeerPrincipal().getName()
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, who.length);
      ex.getResponseBody().write(who);
      ex.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static HttpResponse<String> get(SSLContext ctx) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().sslContext(ctx)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/who");
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void presentsTheClientCertificateAndTrustsTheServerThroughTheCa() throws Exception {
    SSLContext ctx = new Tls(serverId.certPem(), clientId.certPem(), clientId.keyPem())
        .context();

    HttpResponse<String> r = get(ctx);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("CN=client");
  }

  @Test
  void refusesAServerItsCaDidNotSign() throws Exception {
    // trusts only the client's own certificate: the server's is unknown
    SSLContext ctx = new Tls(clientId.certPem(), clientId.certPem(), clientId.keyPem())
        .context();

    assertThatThrownBy(() -> get(ctx)).isInstanceOf(IOException.class);
  }

  @Test
  void readsAnEcPkcs8KeyAndTheCertificate() throws Exception {
    assertThat(Pem.privateKey(clientId.keyPem())).isInstanceOf(ECPrivateKey.class)
        .isEqualTo(clientId.store().getKey("client", PASSWORD));
    assertThat(Pem.certificates(clientId.certPem()))
        .containsExactly((X509Certificate) clientId.store().getCertificate("client"));
  }

  @Test
  void refusesATraditionalEcKeyWithTheWayToConvertIt() throws Exception {
    Path sec1 = dir.resolve("sec1.key");
    Files.writeString(sec1, pem("EC PRIVATE KEY", new byte[] {1, 2, 3}));

    assertThatThrownBy(() -> Pem.privateKey(sec1)).isInstanceOf(InvalidKeySpecException.class)
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void findsEveryBlockOfAChainAndIgnoresTextAroundThem() throws Exception {
    byte[] a = {1, 2, 3};
    byte[] b = {4, 5};
    String text = "subject=CN=x\n" + pem("CERTIFICATE", a) + "junk\n" + pem("PRIVATE KEY", b);

    List<Pem.Block> blocks = Pem.blocks(text);

    assertThat(blocks).extracting(Pem.Block::label).containsExactly("CERTIFICATE",
        "PRIVATE KEY");
    assertThat(blocks.get(0).der()).containsExactly(a);
    assertThat(blocks.get(1).der()).containsExactly(b);
  }

  @Test
  void aFileWithoutACertificateIsRefused() throws Exception {
    assertThatThrownBy(() -> Pem.certificates(clientId.keyPem()))
        .hasMessageContaining("no CERTIFICATE block");
  }
}
