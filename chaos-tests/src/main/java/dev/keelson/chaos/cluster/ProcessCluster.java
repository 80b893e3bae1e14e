package dev.keelson.chaos.cluster;

import dev.keelson.etcd.etcdserverpb.MaintenanceGrpc;
import dev.keelson.etcd.etcdserverpb.StatusRequest;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three masters as real processes on 127.0.0.11, .12 and .13 (etcd API on 2379, Raft on
 * 2380, Kubernetes API over HTTPS on 6443), each in its own cgroup under
 * {@code keelson-chaos/<run>}, secured as {@code bin/keelson up} runs them: Raft over mutual
 * TLS, the etcd API over TLS requiring a client certificate. The certificates (a CA, the
 * masters' serving and peer certificates for the three addresses, the admin and etcd client
 * certificates) are made once per cluster in
 * {@code <workDir>/pki} by the master jar's {@code pki} command. It cleans up after itself on
 * {@link #close} and from a shutdown hook; the masters also exit on their own when the JVM that
 * started them dies ({@code --exit-with <harness pid>}), so an interrupted run leaves no process.
 */
public final class ProcessCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessCluster.class);
  public static final List<String> HOSTS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
  public static final int API_PORT = 6443;

  static final String GROUP = "keelson-chaos";
  private final List<MasterProcess> masters = new ArrayList<>();
  private final Path runGroup;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Path jar;
  private final Path pki;
  private final List<String> jvmOptions;
  private final Thread hook = new Thread(this::close, "chaos-cluster-cleanup");
  private boolean closed;

  /**
   * @param workDir data directories and logs go here
   * @param run names this run's cgroups
   */
  public ProcessCluster(Path workDir, Path jar, List<String> jvmOptions, String run) {
    Path root = Net.Cgroups.root().orElseThrow(() ->
        new IllegalStateException("no writable cgroup v2 hierarchy"));
    this.jar = jar;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.runGroup = root.resolve(GROUP).resolve(run);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.pki = workDir.resolve("pki");
    makePki(jar, pki);
    for (int i = 0; i < HOSTS.size(); i++) {
      MasterProcess m = new MasterProcess("m" + (i + 1), HOSTS.get(i), 2379, 2380, API_PORT, pki,
          workDir, root, GROUP + "/" + run);
      masters.add(m);
      channels.add(NettyChannelBuilder.forTarget(m.endpoint(), etcdCredentials(pki)).build());
    }
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** TLS with the etcd client certificate, trusting the cluster CA. */
  private static ChannelCredentials etcdCredentials(Path pki) {
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(pki.resolve("etcd-client.crt").toFile(),
              pki.resolve("etcd-client.key").toFile())
          .trustManager(pki.resolve("ca.crt").toFile()).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the etcd client certificate in " + pki, e);
    }
  }

  /**
   * Runs {@code java -jar <jar> pki} for the three addresses (it keeps what {@code dir} already
   * has).
   */
  private static void makePki(Path jar, Path dir) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "pki", "--dir", dir.toString()));
    for (String host : HOSTS) {
      cmd.add("--ip");
      cmd.add(host);
    }
    Shell.check(cmd);
  }

  /**
   * The certificates: {@code ca.crt}, {@code server.crt}/{@code server.key}, and the admin
   * client's {@code admin.crt}/{@code admin.key} (CN keelson-admin, O system:masters).
   */
  public Path pkiDir() {
    return pki;
  }

  public List<MasterProcess> masters() {
    return masters;
  }

  public MasterProcess master(int i) {
    return masters.get(i);
  }

  /** A channel to the master's etcd API (reused; the cluster closes it). */
  public ManagedChannel channel(MasterProcess m) {
    return channels.get(masters.indexOf(m));
  }

  public void startAll() {
    masters.forEach(this::start);
  }

  public void start(MasterProcess m) {
    LOG.info("starting {}", m);
    m.start(masters, jar, jvmOptions);
  }

  /** The master that says it leads and that another running master agrees on, if any. */
  public Optional<MasterProcess> leader() {
    for (MasterProcess m : masters) {
      if (!m.running() || m.paused()) {
        continue;
      }
      try {
        StatusResponse s = MaintenanceGrpc.newBlockingStub(channel(m))
            .withDeadlineAfter(1, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
        if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
          return Optional.of(m);
        }
      } catch (RuntimeException e) {
        // not answering: not the leader we can use
      }
    }
    return Optional.empty();
  }

  /** Waits for a leader, up to {@code bound}. */
  public MasterProcess awaitLeader(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<MasterProcess> l = leader();
      if (l.isPresent()) {
        return l.get();
      }
      for (MasterProcess m : masters) {
        if (!m.running() && m.pid() > 0) {
          LOG.warn("{} is not running; see {}", m, m.log());
        }
      }
      try {
        Thread.sleep(100); // polling the members' Status: no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("no leader within " + bound);
  }

  /**
   * Kills every process left in the harness's cgroups by an earlier run that did not end
   * cleanly (paused masters included), and removes those cgroups.
   */
  public static void killLeftovers() {
    Optional<Path> root = Net.Cgroups.root();
    if (root.isEmpty() || !Files.isDirectory(root.get().resolve(GROUP))) {
      return;
    }
    try (var runs = Files.list(root.get().resolve(GROUP))) {
      for (Path run : runs.filter(Files::isDirectory).toList()) {
        try (var leaves = Files.list(run)) {
          for (Path leaf : leaves.filter(Files::isDirectory).toList()) {
            killAll(leaf);
          }
        }
        Files.deleteIfExists(run);
      }
    } catch (IOException e) {
      LOG.warn("cannot clean up cgroups under {}: {}", root.get().resolve(GROUP), e.toString());
    }
  }

  private static void killAll(Path cgroup) throws IOException {
    for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
      if (!pid.isBlank()) {
        LOG.warn("killing leftover process {} in {}", pid, cgroup);
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(cgroup.resolve("cgroup.procs")).isBlank()
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50); // SIGKILLed processes leave the cgroup within moments
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    Files.deleteIfExists(cgroup);
  }

  /** Kills every master, closes the channels and removes the cgroups. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (MasterProcess m : masters) {
      m.resume();
      m.kill();
      m.removeCgroup();
    }
    try {
      Files.deleteIfExists(runGroup);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", runGroup, e.toString());
    }
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: we are the hook
    }
  }
}
