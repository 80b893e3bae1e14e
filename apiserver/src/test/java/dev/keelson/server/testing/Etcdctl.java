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

  public Etcdctl(String endpoints) {
    this.endpoints = endpoints;
  }

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  public Run run(String... args) {
    return runWithInput(null, args);
  }

  public Run runWithInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--endpoints=" + endpoints,
        "--command-timeout=15s"));
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
