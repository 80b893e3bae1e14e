package dev.keelson.watch;

import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.LongFunction;

/**
 * etcd's Watch service over one master's {@link WatchHub}: one bidirectional stream per call,
 * any number of watches multiplexed on it.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private final WatchHub hub;
  private final LongFunction<ResponseHeader> headers;

  /**
   * @param headers the response header for a revision, stamped with this master's cluster id,
   *     member id and current Raft term (the etcd layer's {@code EtcdContext::header})
   */
  public WatchService(WatchHub hub, LongFunction<ResponseHeader> headers) {
    this.hub = hub;
    this.headers = headers;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return GrpcWatchStream.open(hub, (ServerCallStreamObserver<WatchResponse>) responses, headers);
  }
}
