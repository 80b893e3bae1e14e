package dev.keelson.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the stock etcdctl 3.4 binary (Debian etcd-client) against given endpoints. */
public final class Etcdctl {
  public static final Path BINARY = Path.of("/usr/bin/etcdctl");

  /** What one etcdctl run printed. */
  public record Run(int exit, String out, String err) {
    public Run ok() {
      if (exit != 0) {
        throw new AssertionError("etcdctl failed (" + exit + "): " + err + out);
      }
      return this;
    }
  }

  private final String endpoints;
  /** --cacert, --cert and --key, or nothing for plaintext. */
  private final List<String> tlsFlags;

  public Etcdctl(String endpoints) {
    this(endpoints, null);
  }

  /** @param tls the client certificate and CA to connect with over TLS; null for plaintext */
  public Etcdctl(String endpoints, dev.keelson.store.raft.TlsFiles tls) {
    this.endpoints = endpoints;
    this.tlsFlags = tls == null ? List.of() : List.of("--cacert=" + tls.ca(),
        "--cert=" + tls.cert(), "--key=" + tls.key());
  }

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** A long-running etcdctl (watch, lease keep-alive): its output lines as they come. */
  public static final class Background implements AutoCloseable {
    private final Process process;
    private final java.io.Writer stdin;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    Background(Process process) {
      this.process = process;
      this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      pump(process.getInputStream(), out);
      pump(process.getErrorStream(), err);
    }

    private static void pump(java.io.InputStream in, List<String> into) {
      Thread t = new Thread(() -> {
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in,
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (into) {
              into.add(line);
            }
          }
        } catch (IOException ignored) {
          // process gone
        }
      }, "etcdctl-output");
      t.setDaemon(true);
      t.start();
    }

    /** Writes one line to etcdctl's standard input (interactive mode). */
    public void writeLine(String line) {
      try {
        stdin.write(line + "\n");
        stdin.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public void closeInput() {
      try {
        stdin.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    public List<String> out() {
      synchronized (out) {
        return List.copyOf(out);
      }
    }

    public List<String> err() {
      synchronized (err) {
        return List.copyOf(err);
      }
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    public int exitValue() {
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  /** Starts etcdctl with the given arguments and returns at once. */
  public Background start(String... args) {
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--endpoints=" + endpoints));
    cmd.addAll(tlsFlags);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      return new Background(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Run run(String... args) {
    return runWithInput(null, args);
  }

  public Run runWithInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--endpoints=" + endpoints,
        "--command-timeout=15s"));
    cmd.addAll(tlsFlags);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("etcdctl did not finish: " + cmd);
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
