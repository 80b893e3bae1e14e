package dev.keelson.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.api.registry.ApiException;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12 serving the API over HTTPS (HTTP/1.1): the master's serving certificate, client
 * certificates requested (not required) and checked against the cluster CA. Errors Jetty itself
 * raises (a header too large, a malformed request line) also leave as {@code Status} objects.
 */
public final class ApiServer implements AutoCloseable {
  /** Request line and headers may be this large (long label selectors live in the URL). */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Server server;
  private final ServerConnector connector;

  private ApiServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  public static ApiServer start(InetSocketAddress address, KeyStore keyStore, char[] password,
      KeyStore trustStore, Handler handler, ObjectMapper json, int maxThreads) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads));
    pool.setName("api");
    Server server = new Server(pool);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(keyStore);
    ssl.setKeyStorePassword(new String(password));
    ssl.setTrustStore(trustStore);
    ssl.setWantClientAuth(true);
    // TLS 1.2 or newer only (Jetty would otherwise take what the JDK enables)
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    ssl.setSniRequired(false);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(3_600_000); // watches stay quiet for long; their own timeout ends them
    server.addConnector(connector);
    // a stopping server lets open requests finish (watches end their streams cleanly, so clients
    // resume them elsewhere instead of relisting)
    server.setHandler(new GracefulHandler(handler));
    server.setErrorHandler(new StatusErrorHandler(json));
    server.setStopTimeout(2_000);
    server.start();
    return new ApiServer(server, connector);
  }

  /** The port it listens on (useful when started on port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops taking new connections, leaving open ones be: the first step of a clean stop, so that
   * clients whose watches end next reconnect to another master, not to this one.
   */
  public void stopAccepting() {
    connector.close();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** Jetty's own errors as Status objects. */
  private static final class StatusErrorHandler extends ErrorHandler {
    private final ObjectMapper json;

    StatusErrorHandler(ObjectMapper json) {
      this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int code = response.getStatus() >= 400 ? response.getStatus() : 500;
      Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
      String reason = switch (code) {
        case 400 -> "BadRequest";
        case 404 -> "NotFound";
        case 405 -> "MethodNotAllowed";
        case 413, 414, 431 -> "RequestEntityTooLarge";
        case 415 -> "UnsupportedMediaType";
        default -> code >= 500 ? "InternalError" : "BadRequest";
      };
      StatusWriter.write(response, callback, json, new ApiException(code, reason,
          message == null ? "request refused (" + code + ")" : message.toString(), null, null,
          null, List.of(), 0));
      return true;
    }
  }
}
