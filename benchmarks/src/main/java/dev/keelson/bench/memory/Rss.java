package dev.keelson.bench.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident set size, from {@code /proc/<pid>/status}. */
final class Rss {
  private Rss() {}

  static long of(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        // "VmRSS:	  123456 kB"
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }
}
