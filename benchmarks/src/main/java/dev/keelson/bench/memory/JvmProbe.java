package dev.keelson.bench.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM's live heap: {@code jcmd <pid> GC.run}, then {@code jcmd <pid> GC.class_histogram},
 * which collects again and counts the objects left, by class. The second collection also frees
 * what the first one only finalized or cleared.
 */
final class JvmProbe implements MemoryProbe {
  private final long pid;
  private final String jcmd;

  JvmProbe(long pid, String jcmd) {
    this.pid = pid;
    this.jcmd = jcmd;
  }

  @Override
  public MemorySample sample() throws IOException, InterruptedException {
    run("GC.run");
    ClassHistogram h = ClassHistogram.parse(run("GC.class_histogram"));
    return new MemorySample(h.totalBytes(), Rss.of(pid), h);
  }

  @Override
  public String describe() {
    return "JVM pid " + pid + ": live heap after full GC (jcmd GC.run + GC.class_histogram), "
        + "and VmRSS";
  }

  private String run(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(jcmd, Long.toString(pid), command))
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(jcmd + " " + pid + " " + command + " did not finish in 120 s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(jcmd + " " + pid + " " + command + " failed: " + text);
    }
    return text;
  }
}
