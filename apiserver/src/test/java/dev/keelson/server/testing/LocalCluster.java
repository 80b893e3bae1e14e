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

  /** Masters whose watch hubs use {@code watch} (short progress-notify intervals, say). */
  public static LocalCluster start(Path dir, UnaryOperator<RaftConfig> tweak, WatchConfig watch)
      throws Exception {
    LocalCluster c = new LocalCluster(dir, 3, tweak);
    c.watch = watch;
    for (int i = 0; i < 3; i++) {
      c.start(i);
    }
    return c;
  }

  @Override
  public int size() {
    return masters.length;
  }

  @Override
  public String endpoint(int i) {
    return configs.get(i).self().clientAddress();
  }

  @Override
  public synchronized EtcdClient client(int i) {
    if (clients[i] == null) {
      clients[i] = new EtcdClient(endpoint(i));
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
    if (masters[i] == null) {
      masters[i] = Master.start(configs.get(i), 2, watch);
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
