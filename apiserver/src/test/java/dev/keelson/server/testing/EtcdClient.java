package dev.keelson.server.testing;

import dev.keelson.etcd.etcdserverpb.ClusterGrpc;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.MaintenanceGrpc;
import dev.keelson.etcd.etcdserverpb.StatusRequest;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import dev.keelson.store.raft.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** A raw etcd v3 gRPC client (our generated stubs) for one endpoint, as tests need it. */
public final class EtcdClient implements AutoCloseable {
  private final String endpoint;
  private final ManagedChannel channel;

  public EtcdClient(String endpoint) {
    this(endpoint, null);
  }

  /** @param tls the client certificate and CA to connect with over TLS; null for plaintext */
  public EtcdClient(String endpoint, TlsFiles tls) {
    this.endpoint = endpoint;
    NettyChannelBuilder b;
    if (tls == null) {
      b = NettyChannelBuilder.forTarget(endpoint).usePlaintext();
    } else {
      try {
        b = NettyChannelBuilder.forTarget(endpoint, TlsChannelCredentials.newBuilder()
            .keyManager(tls.cert().toFile(), tls.key().toFile())
            .trustManager(tls.ca().toFile()).build());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    this.channel = b.maxInboundMessageSize(64 << 20).build();
  }

  public String endpoint() {
    return endpoint;
  }

  /** The channel, for streaming stubs (Watch, LeaseKeepAlive). */
  public ManagedChannel channel() {
    return channel;
  }

  /** KV stub with a 10 s deadline per call. */
  public KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public ClusterGrpc.ClusterBlockingStub cluster() {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public StatusResponse status() {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
        .status(StatusRequest.getDefaultInstance());
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
