package dev.keelson.bench.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Samples the memory of one server process from outside, as an operator would. */
public interface MemoryProbe {
  /** Takes a sample; a JVM probe forces a full collection first, so it costs a GC pause. */
  MemorySample sample() throws IOException, InterruptedException;

  /** One line saying how this probe measures. */
  String describe();

  /** A probe that measures nothing, when no server pid was given. */
  MemoryProbe NONE = new MemoryProbe() {
    @Override
    public MemorySample sample() {
      return MemorySample.NONE;
    }

    @Override
    public String describe() {
      return "none (no --server-pid)";
    }
  };

  /**
   * The probe for a process: a JVM (its command is java) is measured with jcmd, anything else
   * (etcd) by its resident set and, given {@code pprofBase}, its Go heap after a forced GC.
   */
  static MemoryProbe forPid(long pid, String jcmd, String pprofBase) throws IOException {
    Path exe = Path.of("/proc", Long.toString(pid), "exe");
    if (!Files.exists(exe)) {
      throw new IOException("no process " + pid);
    }
    String name = Files.readSymbolicLink(exe).getFileName().toString();
    return name.startsWith("java") ? new JvmProbe(pid, jcmd) : new ProcessProbe(pid, pprofBase);
  }
}
