package dev.keelson.server.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three masters as separate JVMs ({@code dev.keelson.server.Main server}), started from this
 * test's class path, so a test can SIGKILL one. Logs go to {@code <dir>/mN.log}.
 */
public final class ProcessCluster implements Cluster {
  private final Path dir;
  private final List<String> extraArgs;
  private final List<String> peers = new ArrayList<>();
  private final List<String> clientAddrs = new ArrayList<>();
  private final Process[] processes;
  /** What etcd clients present. */
  private dev.keelson.store.raft.TlsFiles clientTls;
  private final EtcdClient[] clients;

  public ProcessCluster(Path dir, List<String> extraArgs) {
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
    for (int i = 0; i < 3; i++) {
      String client = "127.0.0.1:" + Ports.free();
      clientAddrs.add(client);
      peers.add("m" + (i + 1) + "=127.0.0.1:" + Ports.free() + "," + client);
    }
    processes = new Process[3];
    clients = new EtcdClient[3];
  }

  /**
   * Three master processes as {@code bin/keelson up} runs them: Raft over mutual TLS, the etcd
   * API over TLS requiring a client certificate (certificates in {@code dir/pki}).
   */
  public static ProcessCluster start(Path dir, List<String> extraArgs) throws Exception {
    dev.keelson.auth.pki.LocalPki pki = dev.keelson.auth.pki.LocalPki.ensure(
        dir.resolve("pki"), List.of(), List.of("127.0.0.1"));
    List<String> args = new ArrayList<>(extraArgs);
    args.addAll(List.of("--pki-dir", pki.dir().toString(), "--client-cert-auth", "--peer-tls"));
    ProcessCluster c = new ProcessCluster(dir, args);
    c.clientTls = new dev.keelson.store.raft.TlsFiles(pki.etcdClientCertFile(),
        pki.etcdClientKeyFile(), pki.caCertFile());
    for (int i = 0; i < 3; i++) {
      c.start(i);
    }
    return c;
  }

  @Override
  public dev.keelson.store.raft.TlsFiles clientTls() {
    return clientTls;
  }

  @Override
  public int size() {
    return processes.length;
  }

  @Override
  public String endpoint(int i) {
    return clientAddrs.get(i);
  }

  @Override
  public synchronized EtcdClient client(int i) {
    if (clients[i] == null) {
      clients[i] = newClient(i);
    }
    return clients[i];
  }

  @Override
  public void start(int i) throws Exception {
    if (isRunning(i)) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        "dev.keelson.server.Main", "server",
        "--id", "m" + (i + 1), "--data-dir", dir.resolve("m" + (i + 1)).toString(),
        "--cluster-token", "proc-" + dir.getFileName()));
    for (String p : peers) {
      cmd.add("--peer");
      cmd.add(p);
    }
    cmd.addAll(extraArgs);
    File log = dir.resolve("m" + (i + 1) + ".log").toFile();
    dir.toFile().mkdirs();
    processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
  }

  /** SIGKILL: no shutdown hook, no flush. */
  public void kill(int i) throws InterruptedException {
    Process p = processes[i];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      processes[i] = null;
    }
  }

  /** SIGTERM and wait: a clean stop. */
  @Override
  public void stop(int i) throws InterruptedException {
    Process p = processes[i];
    if (p != null) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      processes[i] = null;
    }
  }

  @Override
  public boolean isRunning(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  public Path logOf(int i) {
    return dir.resolve("m" + (i + 1) + ".log");
  }

  /** A test's steps against this cluster. */
  public interface Steps {
    void run() throws Exception;
  }

  /** Runs a test's steps; if they fail, prints every master's log tail before rethrowing. */
  public void runShowingLogsOnFailure(Steps steps) throws Exception {
    try {
      steps.run();
    } catch (Throwable t) {
      printLogTails();
      throw t;
    }
  }

  /** Prints the last 150 lines of each master's log, without stack frames and follower-down chatter. */
  public void printLogTails() {
    for (int i = 0; i < processes.length; i++) {
      System.out.println("==== tail of " + logOf(i));
      try {
        List<String> lines = java.nio.file.Files.readAllLines(logOf(i)).stream()
            .filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... ")
                && !l.contains("GrpcLogAppender: Follower failed")
                && !l.contains("Timed out HEARTBEAT appendEntries"))
            .toList();
        lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.out::println);
      } catch (java.io.IOException e) {
        System.out.println("(unreadable: " + e + ")");
      }
    }
  }

  @Override
  public void close() throws Exception {
    for (int i = 0; i < processes.length; i++) {
      if (clients[i] != null) {
        clients[i].close();
      }
      kill(i);
    }
  }
}
