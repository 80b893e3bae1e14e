package dev.keelson.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (iptables, kill) and returns what it printed. */
final class Shell {
  private Shell() {}

  /** The command's exit code and its merged output. */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + ": timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** Runs the command and fails unless it exits 0. */
  static String check(List<String> command) {
    Result r = run(command);
    if (!r.ok()) {
      throw new UncheckedIOException(new IOException(String.join(" ", command) + " exited "
          + r.exit() + ": " + r.output()));
    }
    return r.output();
  }
}
