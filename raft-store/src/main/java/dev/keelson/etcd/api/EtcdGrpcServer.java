package dev.keelson.etcd.api;

import dev.keelson.store.mvcc.RequestChecks;
import io.grpc.BindableService;
import dev.keelson.store.raft.TlsFiles;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The etcd v3 gRPC endpoint of one master. Handlers never block on Raft (they complete from
 * futures), so a small fixed pool serves any number of concurrent calls.
 */
public final class EtcdGrpcServer implements AutoCloseable {
  /** etcd allows this much gRPC framing on top of --max-request-bytes. */
  private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

  private final Server server;
  private final ExecutorService executor;

  public EtcdGrpcServer(InetSocketAddress address, List<BindableService> services, int threads) {
    this(address, services, threads, null);
  }

  /**
   * @param tls the serving certificate and the CA client certificates must be signed by: the
   *     endpoint then speaks TLS only and requires a client certificate (etcd's
   *     {@code --client-cert-auth}); null for plaintext
   */
  public EtcdGrpcServer(InetSocketAddress address, List<BindableService> services, int threads,
      TlsFiles tls) {
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "etcd-grpc-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    NettyServerBuilder b = (tls == null ? NettyServerBuilder.forAddress(address)
        : NettyServerBuilder.forAddress(address, credentials(tls)))
        .executor(executor)
        .maxInboundMessageSize(RequestChecks.MAX_REQUEST_BYTES + GRPC_OVERHEAD_BYTES)
        // etcd clients ping every few seconds (etcdctl --keepalive-time 2s)
        .permitKeepAliveTime(1, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
    services.forEach(b::addService);
    this.server = b.build();
  }

  private static ServerCredentials credentials(TlsFiles tls) {
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(tls.cert().toFile(), tls.key().toFile())
          .trustManager(tls.ca().toFile())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the etcd API's TLS files " + tls, e);
    }
  }

  public EtcdGrpcServer start() throws IOException {
    server.start();
    return this;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    executor.shutdownNow();
  }
}
