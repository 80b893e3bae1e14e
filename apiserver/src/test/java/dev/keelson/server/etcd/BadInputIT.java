package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.HashKVRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.LocalCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Requests etcd refuses get etcd's gRPC code and message from Keelson, and change nothing. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputIT {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static EtcdClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(dir);
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = cluster.client(1);
    client.kv().put(put("bad/k", "v"));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static PutRequest put(String k, String v) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(k))
        .setValue(ByteString.copyFromUtf8(v)).build();
  }

  private static RequestOp putOp(String k) {
    return RequestOp.newBuilder().setRequestPut(put(k, "x")).build();
  }

  /** Runs a bad call, checks its status, and checks the store did not move. */
  private static void refused(Status.Code code, String message, Consumer<EtcdClient> call) {
    long revBefore = client.status().getHeader().getRevision();
    int hashBefore = client.maintenance().hashKV(HashKVRequest.newBuilder().setRevision(revBefore)
        .build()).getHash();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> call.accept(client));
    assertThat(e).as("expected %s %s", code, message).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).isEqualTo(message);
    assertThat(client.status().getHeader().getRevision()).isEqualTo(revBefore);
    assertThat(client.maintenance().hashKV(HashKVRequest.newBuilder().setRevision(revBefore)
        .build()).getHash()).isEqualTo(hashBefore);
  }

  @Test
  void emptyKeyIsRefusedForEveryOperation() {
    String msg = "etcdserver: key is not provided";
    refused(Status.Code.INVALID_ARGUMENT, msg, c -> c.kv().put(put("", "v")));
    refused(Status.Code.INVALID_ARGUMENT, msg, c -> c.kv().range(RangeRequest.getDefaultInstance()));
    refused(Status.Code.INVALID_ARGUMENT, msg,
        c -> c.kv().deleteRange(DeleteRangeRequest.getDefaultInstance()));
    refused(Status.Code.INVALID_ARGUMENT, msg,
        c -> c.kv().txn(TxnRequest.newBuilder().addSuccess(putOp("")).build()));
  }

  @Test
  void requestOverOnePointFiveMebibytesIsTooLarge() {
    ByteString big = ByteString.copyFrom(new byte[1536 * 1024 + 1]);
    refused(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large",
        c -> c.kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("bad/big"))
            .setValue(big).build()));
  }

  @Test
  void txnWithMoreThan128OpsIsRefused() {
    TxnRequest.Builder t = TxnRequest.newBuilder();
    for (int i = 0; i < 129; i++) {
      t.addSuccess(putOp("bad/many/" + i));
    }
    refused(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request",
        c -> c.kv().txn(t.build()));
  }

  @Test
  void putAndDeleteOfOneKeyInOneTxnIsADuplicateKey() {
    TxnRequest t = TxnRequest.newBuilder().addSuccess(putOp("bad/dup"))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("bad/dup")))).build();
    refused(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request",
        c -> c.kv().txn(t));
  }

  @Test
  void rangeAtCompactedOrFutureRevisionIsOutOfRange() {
    long r1 = client.kv().put(put("bad/rev", "1")).getHeader().getRevision();
    long r2 = client.kv().put(put("bad/rev", "2")).getHeader().getRevision();
    client.kv().compact(CompactionRequest.newBuilder().setRevision(r2).build());
    refused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted",
        c -> c.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("bad/rev"))
            .setRevision(r1).build()));
    refused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision",
        c -> c.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("bad/rev"))
            .setRevision(r2 + 1000).build()));
    refused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted",
        c -> c.kv().compact(CompactionRequest.newBuilder().setRevision(r1).build()));
  }
}
