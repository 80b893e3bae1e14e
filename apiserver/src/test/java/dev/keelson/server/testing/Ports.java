package dev.keelson.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for test clusters. The OS may hand the same ephemeral port out again
 * once its probe socket is closed, so ports given to this JVM's tests are never given twice.
 */
public final class Ports {
  private static final Set<Integer> GIVEN = new HashSet<>();

  private Ports() {}

  public static synchronized int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        if (GIVEN.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no unused free port after 100 attempts");
  }
}
