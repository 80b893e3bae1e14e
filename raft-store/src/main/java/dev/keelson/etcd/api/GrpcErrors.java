package dev.keelson.etcd.api;

import dev.keelson.store.mvcc.EtcdError;
import dev.keelson.store.mvcc.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become etcd's gRPC statuses. */
final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  static StatusRuntimeException of(EtcdError e) {
    return Status.fromCode(e.code()).withDescription(e.message()).asRuntimeException();
  }

  static StatusRuntimeException toStatus(Throwable t, boolean leaderKnown) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof EtcdException e) {
      return of(e.error());
    }
    if (c instanceof StatusRuntimeException s) {
      return s;
    }
    if (c instanceof NotLeaderException || c instanceof RaftRetryFailureException
        || !leaderKnown) {
      LOG.debug("request failed without a leader", c);
      return of(leaderKnown ? EtcdError.TIMEOUT : EtcdError.NO_LEADER);
    }
    LOG.debug("request failed", c);
    return of(EtcdError.TIMEOUT);
  }

  static void fail(StreamObserver<?> observer, Throwable t, boolean leaderKnown) {
    observer.onError(toStatus(t, leaderKnown));
  }
}
