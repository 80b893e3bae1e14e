package dev.keelson.server;

import dev.keelson.etcd.api.ClusterService;
import dev.keelson.etcd.api.EtcdContext;
import dev.keelson.etcd.api.EtcdGrpcServer;
import dev.keelson.etcd.api.KvService;
import dev.keelson.etcd.api.MaintenanceService;
import dev.keelson.store.raft.RaftConfig;
import dev.keelson.store.raft.RaftNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Keelson master: the Raft peer with its store, and the etcd v3 gRPC endpoint on the
 * client address. Later layers (watch hub, Kubernetes REST) attach here.
 */
public final class Master implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Master.class);

  private final RaftNode node;
  private final EtcdGrpcServer etcd;

  private Master(RaftNode node, EtcdGrpcServer etcd) {
    this.node = node;
    this.etcd = etcd;
  }

  /** Starts the peer and its etcd endpoint; returns without waiting for a leader. */
  public static Master start(RaftConfig config, int grpcThreads) throws IOException {
    RaftNode node = RaftNode.start(config, store -> { });
    EtcdContext ctx = new EtcdContext(node);
    String client = config.self().clientAddress();
    int colon = client.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(client.substring(0, colon),
        Integer.parseInt(client.substring(colon + 1)));
    EtcdGrpcServer etcd;
    try {
      etcd = new EtcdGrpcServer(address, List.of(new KvService(ctx),
          new MaintenanceService(ctx), new ClusterService(ctx)), grpcThreads).start();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    LOG.info("[{}] etcd v3 API listening on {}", config.id(), client);
    return new Master(node, etcd);
  }

  public RaftNode node() {
    return node;
  }

  @Override
  public void close() throws IOException {
    try {
      etcd.close();
    } finally {
      node.close();
    }
  }
}
