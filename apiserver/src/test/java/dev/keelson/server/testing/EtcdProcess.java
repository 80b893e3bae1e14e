package dev.keelson.server.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd 3.4 single-member cluster as a child process on free loopback ports, the reference
 * that differential tests compare Keelson against. Its log goes to {@code <dir>/etcd.log}.
 */
public final class EtcdProcess implements AutoCloseable {
  /** Debian's etcd-server package puts etcd 3.4 here. */
  public static final Path BINARY = Path.of("/usr/bin/etcd");

  private final Process process;
  private final String endpoint;
  private final Path log;
  private final EtcdClient client;

  private EtcdProcess(Process process, String endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
    this.client = new EtcdClient(endpoint);
  }

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** Starts etcd with its data in {@code dir/data} and waits (30 s at most) until it answers. */
  public static EtcdProcess start(Path dir) throws IOException {
    int clientPort = Ports.free();
    int peerPort = Ports.free();
    String clientUrl = "http://127.0.0.1:" + clientPort;
    String peerUrl = "http://127.0.0.1:" + peerPort;
    Files.createDirectories(dir);
    Path log = dir.resolve("etcd.log");
    List<String> cmd = List.of(BINARY.toString(),
        "--name", "d1",
        "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", clientUrl,
        "--advertise-client-urls", clientUrl,
        "--listen-peer-urls", peerUrl,
        "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", "d1=" + peerUrl,
        "--initial-cluster-state", "new",
        "--logger", "zap",
        "--log-outputs", "stderr");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    EtcdProcess etcd = new EtcdProcess(p, "127.0.0.1:" + clientPort, log);
    try {
      await("etcd at " + etcd.endpoint + " answers Status (log: " + log + ")")
          .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .failFast("etcd exited (log: " + log + ")", () -> !p.isAlive())
          .ignoreExceptions()
          .until(() -> etcd.client.status().getLeader() != 0);
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
    return etcd;
  }

  /** host:port of the client endpoint. */
  public String endpoint() {
    return endpoint;
  }

  /** A client for this etcd, closed with it. */
  public EtcdClient client() {
    return client;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of etcd's log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    client.close();
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
