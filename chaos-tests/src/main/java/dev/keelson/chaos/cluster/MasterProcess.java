package dev.keelson.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One master as a real OS process on its own loopback address, in its own cgroup (so that
 * {@link Net} can cut its links), with its own data directory and log file. It serves the etcd
 * API and, with the run's certificates, the Kubernetes API over HTTPS. Killing it is SIGKILL;
 * pausing is SIGSTOP and SIGCONT.
 */
public final class MasterProcess {
  private final String id;
  private final String host;
  private final int clientPort;
  private final int raftPort;
  private final int apiPort;
  private final Path pkiDir;
  private final Path dataDir;
  private final Path log;
  private final Path cgroupDir;
  private final String cgroupPath;
  private Process process;
  private boolean paused;

  /**
   * @param apiPort the Kubernetes API's port on {@code host}
   * @param pkiDir the cluster's certificates ({@code keelson pki}): the serving certificate and
   *     the CA that client certificates are checked against
   * @param cgroupRoot the cgroup v2 mount; the master's group is {@code <root>/<group>/<id>}
   */
  public MasterProcess(String id, String host, int clientPort, int raftPort, int apiPort,
      Path pkiDir, Path workDir, Path cgroupRoot, String group) {
    this.id = id;
    this.host = host;
    this.clientPort = clientPort;
    this.raftPort = raftPort;
    this.apiPort = apiPort;
    this.pkiDir = pkiDir;
    this.dataDir = workDir.resolve(id);
    this.log = workDir.resolve(id + ".log");
    this.cgroupPath = group + "/" + id;
    this.cgroupDir = cgroupRoot.resolve(cgroupPath);
  }

  public String id() {
    return id;
  }

  public String host() {
    return host;
  }

  /** host:port of its etcd API. */
  public String endpoint() {
    return host + ":" + clientPort;
  }

  /** The base URL of its Kubernetes API, {@code https://host:port}. */
  public URI apiUri() {
    return URI.create("https://" + host + ":" + apiPort);
  }

  /** The {@code --peer} value other masters are given for it. */
  String peerSpec() {
    return id + "=" + host + ":" + raftPort + "," + host + ":" + clientPort;
  }

  /** Its cgroup, relative to the cgroup v2 root (what {@code iptables -m cgroup} matches). */
  String cgroupPath() {
    return cgroupPath;
  }

  public Path log() {
    return log;
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /**
   * Starts it, inside its cgroup from its first instruction (a socket keeps the cgroup it was
   * made in, so moving the process later would leave early sockets uncut).
   */
  public synchronized void start(List<MasterProcess> all, Path jar, List<String> jvmOptions) {
    if (running()) {
      throw new IllegalStateException(id + " is already running");
    }
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(cgroupDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>(List.of("sh", "-c",
        "echo $$ > \"" + cgroupDir.resolve("cgroup.procs") + "\" && exec \"$0\" \"$@\"",
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar.toString(), "server", "--id", id,
        "--data-dir", dataDir.toString(),
        "--api-address", host + ":" + apiPort, "--pki-dir", pkiDir.toString(),
        "--client-cert-auth", "--peer-tls",
        "--exit-with", Long.toString(ProcessHandle.current().pid())));
    for (MasterProcess m : all) {
      cmd.add("--peer");
      cmd.add(m.peerSpec());
    }
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      paused = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + id, e);
    }
  }

  /** SIGKILL, and waits until it is gone. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    await(process);
    paused = false;
  }

  /** SIGTERM (an orderly stop); SIGKILL after 10 s. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (paused) {
      resume();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** SIGSTOP. */
  public synchronized void pause() {
    if (running() && !paused) {
      Shell.check(List.of("kill", "-STOP", Long.toString(process.pid())));
      paused = true;
    }
  }

  /** SIGCONT. */
  public synchronized void resume() {
    if (running() && paused) {
      Shell.check(List.of("kill", "-CONT", Long.toString(process.pid())));
      paused = false;
    }
  }

  public synchronized boolean paused() {
    return paused;
  }

  /** Removes its (empty) cgroup. */
  void removeCgroup() {
    try {
      Files.deleteIfExists(cgroupDir);
    } catch (IOException e) {
      // still has a process in it: the caller killed everything, so this is a leftover we log
    }
  }

  private static void await(Process p) {
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("process " + p.pid() + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return id + "@" + endpoint();
  }
}
