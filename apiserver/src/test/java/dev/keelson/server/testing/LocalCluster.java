package dev.keelson.server.testing;

import dev.keelson.server.Master;
import dev.keelson.store.raft.RaftConfig;
import dev.keelson.watch.WatchConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Three masters in this JVM, each with its own real Ratis and gRPC sockets and RocksDB. */
public final class LocalCluster implements Cluster {
  private final List<RaftConfig> configs = new ArrayList<>();
  private final Master[] masters;
  private final EtcdClient[] clients;
  private WatchConfig watch = WatchConfig.defaults();
  /** When set, every master also serves the Kubernetes API (see {@link #startWithApi}). */
  private dev.keelson.auth.pki.LocalPki pki;
  private int[] apiPorts;
  private dev.keelson.api.KubeApi.Security security;
  /** The etcd API's TLS files (client certificates required), or null for plaintext. */
  private dev.keelson.store.raft.TlsFiles etcdTls;
  /** What etcd clients present, or null for plaintext. */
  private dev.keelson.store.raft.TlsFiles clientTls;

  private LocalCluster(Path dir, int n, UnaryOperator<RaftConfig> tweak) {
    List<RaftConfig.Peer> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add(new RaftConfig.Peer("m" + (i + 1), "127.0.0.1:" + Ports.free(),
          "127.0.0.1:" + Ports.free()));
    }
    for (int i = 0; i < n; i++) {
      configs.add(tweak.apply(RaftConfig.of("m" + (i + 1), peers,
          dir.resolve("m" + (i + 1)), "test-" + dir.getFileName())));
    }
    masters = new Master[n];
    clients = new EtcdClient[n];
  }

  public static LocalCluster start(Path dir) throws Exception {
    return start(dir, UnaryOperator.identity());
  }

  public static LocalCluster start(Path dir, UnaryOperator<RaftConfig> tweak) throws Exception {
    return start(dir, tweak, WatchConfig.defaults());
  }

  /**
   * Masters whose watch hubs use {@code watch} (short progress-notify intervals, say). As
   * {@code bin/keelson up} runs them: Raft over mutual TLS and the etcd API over TLS requiring
   * a client certificate, with the certificates in {@code dir/pki}; {@link #client} and
   * {@link #clientTls} connect accordingly.
   */
  public static LocalCluster start(Path dir, UnaryOperator<RaftConfig> tweak, WatchConfig watch)
      throws Exception {
    LocalCluster c = new LocalCluster(dir, 3, tweak);
    c.watch = watch;
    c.pki = dev.keelson.auth.pki.LocalPki.ensure(dir.resolve("pki"), List.of(),
        List.of("127.0.0.1"));
    c.secure();
    for (int i = 0; i < 3; i++) {
      c.start(i);
    }
    return c;
  }

  /**
   * Three masters that also serve the Kubernetes API over HTTPS, each on its own free port,
   * with a CA and an admin client certificate in {@code dir/pki}.
   */
  public static LocalCluster startWithApi(Path dir) throws Exception {
    return startWithApi(dir, pki -> dev.keelson.api.KubeApi.Security.secure(
        pki.serviceAccountKey()));
  }

  /**
   * As {@link #startWithApi(Path)}, with the security settings {@code security} makes from the
   * cluster's certificates (a token file, anonymous access, ...).
   */
  public static LocalCluster startWithApi(Path dir, java.util.function.Function<
      dev.keelson.auth.pki.LocalPki, dev.keelson.api.KubeApi.Security> security)
      throws Exception {
    return startWithApi(dir, security, false);
  }

  /**
   * As {@link #startWithApi(Path, java.util.function.Function)}, with everything over TLS as
   * {@code bin/keelson up} runs it: Raft between masters over mutual TLS (peer certificates),
   * and the etcd API over TLS requiring a client certificate.
   */
  public static LocalCluster startSecure(Path dir, java.util.function.Function<
      dev.keelson.auth.pki.LocalPki, dev.keelson.api.KubeApi.Security> security)
      throws Exception {
    return startWithApi(dir, security, true);
  }

  private static LocalCluster startWithApi(Path dir, java.util.function.Function<
      dev.keelson.auth.pki.LocalPki, dev.keelson.api.KubeApi.Security> security, boolean tls)
      throws Exception {
    LocalCluster c = new LocalCluster(dir, 3, UnaryOperator.identity());
    c.pki = dev.keelson.auth.pki.LocalPki.ensure(dir.resolve("pki"), List.of(),
        List.of("127.0.0.1"));
    c.security = security.apply(c.pki);
    if (tls) {
      c.secure();
    }
    return c.startAll();
  }

  /** Raft over mutual TLS, the etcd API over TLS with client certificates required. */
  private void secure() {
    dev.keelson.store.raft.TlsFiles peer = new dev.keelson.store.raft.TlsFiles(
        pki.peerCertFile(), pki.peerKeyFile(), pki.caCertFile());
    configs.replaceAll(cfg -> cfg.withPeerTls(peer));
    etcdTls = new dev.keelson.store.raft.TlsFiles(pki.serverCertFile(), pki.serverKeyFile(),
        pki.caCertFile());
    clientTls = new dev.keelson.store.raft.TlsFiles(pki.etcdClientCertFile(),
        pki.etcdClientKeyFile(), pki.caCertFile());
  }

  @Override
  public dev.keelson.store.raft.TlsFiles clientTls() {
    return clientTls;
  }

  private LocalCluster startAll() throws Exception {
    apiPorts = new int[3];
    for (int i = 0; i < 3; i++) {
      apiPorts[i] = Ports.free();
    }
    for (int i = 0; i < 3; i++) {
      start(i);
    }
    return this;
  }

  /** The CA and admin certificate of a cluster started with the API. */
  public dev.keelson.auth.pki.LocalPki pki() {
    return pki;
  }

  /** A REST client for master i's Kubernetes API with the admin certificate. */
  public RestClient admin(int i) {
    return new RestClient(apiUrl(i), pki.ca().certificate(), pki.admin());
  }

  /** The admin's REST clients of every master, by index. */
  public RestClient[] admins() {
    RestClient[] out = new RestClient[masters.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = admin(i);
    }
    return out;
  }

  /** Waits (60 s at most) until every master serves the API with its bootstrap namespaces. */
  public void awaitApiReady() {
    org.awaitility.Awaitility.await("bootstrap namespaces on every master")
        .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
        .until(() -> {
          for (int i = 0; i < masters.length; i++) {
            if (admin(i).get("/api/v1/namespaces/kube-system").code() != 200) {
              return false;
            }
          }
          return true;
        });
  }

  /** https://127.0.0.1:port of master i's Kubernetes API. */
  public String apiUrl(int i) {
    return "https://127.0.0.1:" + apiPorts[i];
  }

  @Override
  public int size() {
    return masters.length;
  }

  /** Master {@code i}'s Raft address (host:port). */
  public String raftAddress(int i) {
    return configs.get(i).self().raftAddress();
  }

  @Override
  public String endpoint(int i) {
    return configs.get(i).self().clientAddress();
  }

  @Override
  public synchronized EtcdClient client(int i) {
    if (clients[i] == null) {
      clients[i] = newClient(i);
    }
    return clients[i];
  }

  public Master master(int i) {
    return masters[i];
  }

  @Override
  public void stop(int i) throws Exception {
    if (masters[i] != null) {
      masters[i].close();
      masters[i] = null;
    }
  }

  @Override
  public void start(int i) throws Exception {
    if (masters[i] == null && apiPorts != null) {
      masters[i] = Master.start(configs.get(i), 2, watch, etcdTls,
          new dev.keelson.api.KubeApi.Config(new java.net.InetSocketAddress("127.0.0.1",
              apiPorts[i]), pki.server(), pki.ca().certificate(), 16, security));
    } else if (masters[i] == null) {
      masters[i] = Master.start(configs.get(i), 2, watch, etcdTls);
    }
  }

  @Override
  public boolean isRunning(int i) {
    return masters[i] != null;
  }

  @Override
  public void close() throws Exception {
    for (int i = 0; i < masters.length; i++) {
      if (clients[i] != null) {
        clients[i].close();
      }
      stop(i);
    }
  }
}
