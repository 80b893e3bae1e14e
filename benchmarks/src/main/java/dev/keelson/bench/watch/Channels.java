package dev.keelson.bench.watch;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.MaintenanceGrpc;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.StatusRequest;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC connections to etcd v3 endpoints (host:port), as the benchmark uses them: plaintext, or
 * TLS once {@link #useTls} was called (by {@link TlsOptions}).
 */
public final class Channels {
  /** Null: plaintext. Set once, before the first connection. */
  private static volatile ChannelCredentials tls;

  private Channels() {}

  /** TLS for every connection opened from now on; {@code cert}/{@code key} may be null. */
  public static void useTls(Path ca, Path cert, Path key) throws IOException {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder()
        .trustManager(ca.toFile());
    if (cert != null) {
      b.keyManager(cert.toFile(), key.toFile());
    }
    tls = b.build();
  }

  /** A builder for one endpoint, plaintext or TLS as configured. */
  public static NettyChannelBuilder builder(String endpoint) {
    ChannelCredentials c = tls;
    return c == null ? NettyChannelBuilder.forTarget(endpoint).usePlaintext()
        : NettyChannelBuilder.forTarget(endpoint, c);
  }

  /**
   * A connection of its own (one HTTP/2 connection per channel). Responses are handled on the
   * transport thread: the observers only count, and this keeps the client's share of the CPU
   * small next to the server's.
   */
  static ManagedChannel open(String endpoint) {
    return builder(endpoint).directExecutor().maxInboundMessageSize(64 << 20).build();
  }

  /** Makes the channel connect now, so that later measurements do not include connecting. */
  public static void connect(ManagedChannel c) {
    KVGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS).range(RangeRequest
        .newBuilder().setKey(ByteString.copyFromUtf8("keelson-bench/connect"))
        .setSerializable(true).build());
  }

  static StatusResponse status(ManagedChannel c) {
    return MaintenanceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
        .status(StatusRequest.getDefaultInstance());
  }

  /** The newest revision, read linearizably. */
  public static long revision(ManagedChannel c) {
    return KVGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS).range(RangeRequest
        .newBuilder().setKey(ByteString.copyFromUtf8("keelson-bench/revision")).build())
        .getHeader().getRevision();
  }

  public static void closeAll(List<ManagedChannel> channels) throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      c.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
