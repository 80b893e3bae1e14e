package dev.keelson.server;

import dev.keelson.api.KubeApi;
import dev.keelson.auth.pki.IssuedCert;
import dev.keelson.auth.pki.LocalPki;
import dev.keelson.auth.pki.Pem;
import dev.keelson.store.raft.RaftConfig;
import dev.keelson.store.raft.TlsFiles;
import dev.keelson.watch.WatchConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code keelson} command line. */
@Command(name = "keelson", mixinStandardHelpOptions = true, version = "keelson 0.1.0",
    subcommands = {Main.Server.class, PkiCommand.class},
    description = "An HA replacement for etcd plus kube-apiserver.")
public final class Main implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /** Runs one master until it is signalled to stop. */
  @Command(name = "server", mixinStandardHelpOptions = true,
      description = "Run one master (one per host in a real deployment).")
  static final class Server implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "This master's member name, e.g. m1.")
    String id;

    @Option(names = "--peer", required = true, arity = "1..*",
        description = "A member as NAME=RAFT_HOST:PORT,CLIENT_HOST:PORT; one per member, "
            + "this one included.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--data-dir", required = true, description = "Where this master keeps its data.")
    Path dataDir;

    @Option(names = "--cluster-token", defaultValue = "keelson",
        description = "Names the cluster; members of one cluster share it (default: ${DEFAULT-VALUE}).")
    String clusterToken;

    @Option(names = "--election-timeout-min-ms", defaultValue = "1000",
        description = "Lower bound of the randomized election timeout (default: ${DEFAULT-VALUE}).")
    int electionMin;

    @Option(names = "--election-timeout-max-ms", defaultValue = "2000",
        description = "Upper bound of the randomized election timeout (default: ${DEFAULT-VALUE}).")
    int electionMax;

    @Option(names = "--snapshot-count", defaultValue = "10000",
        description = "Applied entries between snapshots (default: ${DEFAULT-VALUE}).")
    long snapshotCount;

    @Option(names = "--snapshot-catchup-entries", defaultValue = "5000",
        description = "Log entries kept behind a snapshot for slow followers (default: ${DEFAULT-VALUE}).")
    long catchupEntries;

    @Option(names = "--log-segment-bytes", defaultValue = "33554432",
        description = "Raft log segment size (default: ${DEFAULT-VALUE}).")
    long segmentBytes;

    @Option(names = "--grpc-threads", defaultValue = "4",
        description = "Threads serving the etcd gRPC API (default: ${DEFAULT-VALUE}).")
    int grpcThreads;

    @Option(names = "--exit-with", paramLabel = "PID",
        description = "Exit when process PID is gone (test harnesses pass their own, so an "
            + "interrupted harness leaves no master behind).")
    Long exitWith;

    @Option(names = "--api-address", paramLabel = "HOST:PORT",
        description = "Serve the Kubernetes API over HTTPS here (needs --pki-dir).")
    String apiAddress;

    @Option(names = "--pki-dir", paramLabel = "DIR",
        description = "Holds ca.crt (client CA), server.crt and server.key (serving "
            + "certificate), as `keelson pki` writes them.")
    Path pkiDir;

    @Option(names = "--token-auth-file", paramLabel = "FILE",
        description = "Static bearer tokens, one CSV line each: token,user,uid[,\"group1,"
            + "group2\"] (as kube-apiserver's).")
    Path tokenAuthFile;

    @Option(names = "--anonymous-auth", defaultValue = "false", arity = "0..1",
        description = "Serve requests without credentials as system:anonymous (default: "
            + "${DEFAULT-VALUE}: they get 401, except /livez, /readyz, /healthz and /version).")
    boolean anonymousAuth;

    @Option(names = "--authorization-mode", defaultValue = "RBAC",
        description = "RBAC or AlwaysAllow (default: ${DEFAULT-VALUE}).")
    String authorizationMode;

    @Option(names = "--client-cert-auth", defaultValue = "false", arity = "0..1",
        description = "Serve the etcd API over TLS only (server.crt) and require a client "
            + "certificate signed by ca.crt, as etcd's --client-cert-auth (needs --pki-dir; "
            + "default: ${DEFAULT-VALUE}).")
    boolean clientCertAuth;

    @Option(names = "--peer-tls", defaultValue = "false", arity = "0..1",
        description = "Raft traffic over mutual TLS with peer.crt, accepting only peers whose "
            + "certificate ca.crt signed (needs --pki-dir; default: ${DEFAULT-VALUE}).")
    boolean peerTls;

    @Option(names = "--api-threads", defaultValue = "64",
        description = "Most threads serving the Kubernetes API (default: ${DEFAULT-VALUE}).")
    int apiThreads;

    @Override
    public Integer call() throws Exception {
      if (exitWith != null) {
        exitWith(exitWith);
      }
      if ((clientCertAuth || peerTls) && pkiDir == null) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--client-cert-auth and --peer-tls need --pki-dir");
      }
      RaftConfig config = new RaftConfig(id, parsePeers(peers), dataDir, clusterToken,
          electionMin, electionMax, snapshotCount, catchupEntries, segmentBytes, 100,
          peerTls ? new TlsFiles(own("peer.crt"), own("peer.key"), pkiDir.resolve("ca.crt"))
              : null);
      TlsFiles etcdTls = clientCertAuth ? new TlsFiles(own("server.crt"), own("server.key"),
          pkiDir.resolve("ca.crt")) : null;
      Master master;
      if (apiAddress != null) {
        if (pkiDir == null) {
          throw new CommandLine.ParameterException(new CommandLine(this),
              "--api-address needs --pki-dir");
        }
        if (!authorizationMode.equals("RBAC") && !authorizationMode.equals("AlwaysAllow")) {
          throw new CommandLine.ParameterException(new CommandLine(this),
              "--authorization-mode must be RBAC or AlwaysAllow, got " + authorizationMode);
        }
        int colon = apiAddress.lastIndexOf(':');
        KeyPair saKey = null;
        if (Files.exists(pkiDir.resolve("sa.key")) || Files.exists(pkiDir.resolve("sa.pub"))) {
          saKey = LocalPki.readServiceAccountKey(pkiDir);
        } else {
          System.err.println("no sa.key/sa.pub in " + pkiDir + ": service-account tokens are "
              + "off (keelson pki creates them)");
        }
        KubeApi.Config api = new KubeApi.Config(
            new InetSocketAddress(apiAddress.substring(0, colon),
                Integer.parseInt(apiAddress.substring(colon + 1))),
            IssuedCert.read(own("server.crt"), own("server.key")),
            Pem.readCertificate(pkiDir.resolve("ca.crt")), apiThreads,
            new KubeApi.Security(anonymousAuth, tokenAuthFile, saKey,
                authorizationMode.equals("RBAC")));
        master = Master.start(config, grpcThreads, WatchConfig.defaults(), etcdTls, api);
      } else {
        master = Master.start(config, grpcThreads, WatchConfig.defaults(), etcdTls);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          master.close();
        } catch (Exception e) {
          e.printStackTrace();
        } finally {
          stopped.countDown();
        }
      }, "keelson-shutdown"));
      stopped.await();
      return 0;
    }

    /** This master's own certificate file in the PKI directory, else the cluster-wide one. */
    private Path own(String file) {
      return LocalPki.forMaster(pkiDir, id, file);
    }
  }

  /**
   * Exits (through the shutdown hook) within a second of process {@code pid} going away, at
   * once if it is gone already. The pid is given rather than taken from our parent: a harness
   * killed while this JVM was starting would leave us re-parented before we could look. Polls:
   * {@code ProcessHandle.onExit()} of a process that is not our child completes late.
   */
  private static void exitWith(long pid) {
    ProcessHandle watched = ProcessHandle.of(pid).orElse(null);
    Thread t = new Thread(() -> {
      try {
        while (watched != null && watched.isAlive()) {
          Thread.sleep(1000);
        }
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("process " + pid + " is gone; exiting");
      System.exit(1);
    }, "exit-with-" + pid);
    t.setDaemon(true);
    t.start();
  }

  static List<RaftConfig.Peer> parsePeers(List<String> specs) {
    List<RaftConfig.Peer> out = new ArrayList<>();
    for (String spec : specs) {
      for (String one : spec.split(";")) {
        int eq = one.indexOf('=');
        String[] addrs = eq < 0 ? new String[0] : one.substring(eq + 1).split(",");
        if (eq <= 0 || addrs.length != 2) {
          throw new CommandLine.ParameterException(new CommandLine(new Server()),
              "--peer must look like NAME=RAFT_HOST:PORT,CLIENT_HOST:PORT, got: " + one);
        }
        out.add(new RaftConfig.Peer(one.substring(0, eq), addrs[0], addrs[1]));
      }
    }
    return out;
  }
}
