package dev.keelson.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * A TCP load balancer in front of the masters, as an operator would put one (TLS passes
 * through): each new connection goes to the first backend, from the last one used, that accepts
 * it and that {@code usable} allows. When a master goes away its connections break and the
 * clients reconnect elsewhere through the same address.
 */
public final class TcpFailoverProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<InetSocketAddress> backends;
  private final IntPredicate usable;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile int preferred;
  private volatile boolean closed;

  public TcpFailoverProxy(List<InetSocketAddress> backends, IntPredicate usable)
      throws IOException {
    this.backends = List.copyOf(backends);
    this.usable = usable;
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** Sends new connections to backend {@code i} first. */
  public void prefer(int i) {
    preferred = i;
  }

  /** The backend that took the last connection. */
  public int current() {
    return preferred;
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      Socket backend = connect();
      if (backend == null) {
        close(client);
        continue;
      }
      open.add(client);
      open.add(backend);
      pipe(client, backend);
      pipe(backend, client);
    }
  }

  private Socket connect() {
    for (int k = 0; k < backends.size(); k++) {
      int i = (preferred + k) % backends.size();
      if (!usable.test(i)) {
        continue;
      }
      Socket s = new Socket();
      try {
        s.connect(backends.get(i), 1_000);
        preferred = i;
        return s;
      } catch (IOException e) {
        close(s);
      }
    }
    return null;
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        close(from);
        close(to);
      }
    }, "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    open.forEach(this::close);
  }
}
