package dev.keelson.server;

import dev.keelson.api.KubeApi;
import dev.keelson.etcd.api.ClusterService;
import dev.keelson.etcd.api.EtcdContext;
import dev.keelson.etcd.api.EtcdGrpcServer;
import dev.keelson.etcd.api.KvService;
import dev.keelson.etcd.api.LeaseService;
import dev.keelson.etcd.api.MaintenanceService;
import dev.keelson.store.lease.Lessor;
import dev.keelson.store.raft.KvStateMachine;
import dev.keelson.store.raft.RaftConfig;
import dev.keelson.store.raft.RaftNode;
import dev.keelson.store.raft.TlsFiles;
import dev.keelson.watch.WatchConfig;
import dev.keelson.watch.WatchHub;
import dev.keelson.watch.WatchService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keelson master: the Raft peer with its store, the watch hub and lessor it feeds, and the
 * etcd v3 gRPC endpoint on the client address. Later layers (Kubernetes REST) attach here.
 */
public final class Master implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);
  /** How often the leader looks for expired leases (bounds how late an expiry can be). */
  private static final long LEASE_EXPIRY_PERIOD_MS = 100;

  private final RaftNode node;
  private final EtcdGrpcServer etcd;
  private final Lessor lessor;
  private final WatchHub watchHub;
  private volatile KubeApi kubeApi;

  private Master(RaftNode node, EtcdGrpcServer etcd, Lessor lessor, WatchHub watchHub) {
    this.node = node;
    this.etcd = etcd;
    this.lessor = lessor;
    this.watchHub = watchHub;
  }

  /** As {@link #start(RaftConfig, int, WatchConfig)}, plus the Kubernetes API over HTTPS. */
  public static Master start(RaftConfig config, int grpcThreads, WatchConfig watch,
      KubeApi.Config api) throws Exception {
    return start(config, grpcThreads, watch, null, api);
  }

  /**
   * As {@link #start(RaftConfig, int, WatchConfig, TlsFiles)}, plus the Kubernetes API over
   * HTTPS.
   */
  public static Master start(RaftConfig config, int grpcThreads, WatchConfig watch,
      TlsFiles etcdTls, KubeApi.Config api) throws Exception {
    Master m = start(config, grpcThreads, watch, etcdTls);
    try {
      m.kubeApi = KubeApi.start(m.node, m.watchHub, api);
    } catch (Exception | Error e) {
      m.close();
      throw e;
    }
    return m;
  }

  /** The Kubernetes API, when this master serves it. */
  public KubeApi kubeApi() {
    return kubeApi;
  }

  /** Starts the peer and its etcd endpoint; returns without waiting for a leader. */
  public static Master start(RaftConfig config, int grpcThreads) throws IOException {
    return start(config, grpcThreads, WatchConfig.defaults());
  }

  /** As {@link #start(RaftConfig, int)}, with the watch hub's bounds and timings. */
  public static Master start(RaftConfig config, int grpcThreads, WatchConfig watch)
      throws IOException {
    return start(config, grpcThreads, watch, (TlsFiles) null);
  }

  /**
   * As {@link #start(RaftConfig, int, WatchConfig)}; with {@code etcdTls}, the etcd endpoint
   * speaks TLS only and requires a client certificate signed by its CA.
   */
  public static Master start(RaftConfig config, int grpcThreads, WatchConfig watch,
      TlsFiles etcdTls) throws IOException {
    Lessor lessor = new Lessor(config.id(), Lessor.minTtlFor(config.electionTimeoutMinMs()),
        System::nanoTime);
    WatchHub watchHub = new WatchHub(config.id(), watch);
    RaftNode node;
    try {
      node = RaftNode.start(config, KvStateMachine.StoreListener.all(lessor, watchHub));
    } catch (IOException | RuntimeException e) {
      watchHub.close();
      throw e;
    }
    lessor.start(node::isLeaderReady, node::write, LEASE_EXPIRY_PERIOD_MS);
    watchHub.start();
    EtcdContext ctx = new EtcdContext(node);
    String client = config.self().clientAddress();
    int colon = client.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(client.substring(0, colon),
        Integer.parseInt(client.substring(colon + 1)));
    EtcdGrpcServer etcd;
    try {
      etcd = new EtcdGrpcServer(address, List.of(new KvService(ctx),
          new LeaseService(ctx, lessor), new WatchService(watchHub, ctx::header),
          new MaintenanceService(ctx), new ClusterService(ctx, etcdTls != null)), grpcThreads,
          etcdTls).start();
    } catch (IOException | RuntimeException e) {
      watchHub.close();
      lessor.close();
      node.close();
      throw e;
    }
    LOG.info("[{}] etcd v3 API listening on {} ({})", config.id(), client, etcdTls == null
        ? "plaintext" : "TLS, client certificates required");
    return new Master(node, etcd, lessor, watchHub);
  }

  public RaftNode node() {
    return node;
  }

  public WatchHub watchHub() {
    return watchHub;
  }

  /** Ends the watch streams first (clients reconnect elsewhere), so the server need not wait. */
  @Override
  public void close() throws IOException {
    try {
      if (kubeApi != null) {
        try {
          kubeApi.close();
        } catch (Exception e) {
          LOG.warn("[{}] closing the Kubernetes API", node.config().id(), e);
        }
      }
      watchHub.close();
      etcd.close();
      lessor.close();
    } finally {
      node.close();
    }
  }
}
