package dev.keelson.chaos.workload;

import com.google.protobuf.ByteString;
import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import dev.keelson.chaos.watch.WatchChecker;
import dev.keelson.chaos.watch.WatchEvent;
import dev.keelson.chaos.watch.WatchSession;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.KVGrpc;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers change keys under {@code watch/} (puts, deletes, and transactions of two puts, to
 * show Atomic) while one watcher per master follows the prefix with progress notifications and
 * asks for progress every second. A watcher whose stream breaks or goes quiet watches again on
 * the next master from the revision after the last one it knows complete. After the faults,
 * each watcher runs until it has the final revision, and the change log is read back with a
 * fresh watch from the first revision; the checker compares the two.
 */
final class WatchWorkload implements EtcdWorkload {
  static final String PREFIX = "watch/";
  private static final int KEYS = 16;
  private final AtomicLong values = new AtomicLong(1);
  private final List<Follower> followers = new ArrayList<>();
  private List<EtcdClient> masters = List.of();
  private long firstRevision;
  private List<WatchEvent> log = List.of();

  @Override
  public String name() {
    return "watch";
  }

  @Override
  public void start(List<EtcdClient> masters, Recorder clock) {
    this.masters = masters;
    firstRevision = awaitRevision(masters) + 1;
    for (int i = 0; i < masters.size(); i++) {
      Follower f = new Follower("w" + (i + 1), masters, i, firstRevision);
      followers.add(f);
      f.start();
    }
  }

  @Override
  public Op.Type step(EtcdClient client, Recorder h, int p, Random rnd) {
    long v = values.getAndIncrement();
    String key = PREFIX + rnd.nextInt(KEYS);
    int kind = rnd.nextInt(10);
    String f = kind == 0 ? "delete" : kind == 1 ? "txn" : "put";
    h.record(p, Op.Type.INVOKE, f, key, v, null, null, null, null, null);
    try {
      long rev;
      var kv = KVGrpc.newBlockingStub(client.channel()).withDeadlineAfter(2, TimeUnit.SECONDS);
      if (kind == 0) {
        rev = kv.deleteRange(DeleteRangeRequest.newBuilder()
            .setKey(bytes(key)).build()).getHeader().getRevision();
      } else if (kind == 1) {
        String other = PREFIX + ((Integer.parseInt(key.substring(PREFIX.length())) + 1) % KEYS);
        rev = kv.txn(TxnRequest.newBuilder()
            .addSuccess(put(key, v)).addSuccess(put(other, v)).build()).getHeader().getRevision();
      } else {
        rev = client.write(key, v);
      }
      h.record(p, Op.Type.OK, f, key, v, null, null, null, rev, null);
      return Op.Type.OK;
    } catch (RuntimeException e) {
      Op.Type t = Outcome.certainlyNotApplied(e) ? Op.Type.FAIL : Op.Type.INFO;
      h.record(p, t, f, key, v, null, null, null, null, Outcome.describe(e));
      return t;
    }
  }

  private static RequestOp put(String key, long v) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))
        .setValue(bytes(Long.toString(v)))).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  @Override
  public void finish(List<EtcdClient> clients, Recorder h, int process) {
    long last = awaitRevision(clients);
    for (Follower f : followers) {
      f.finishAt(last, Duration.ofSeconds(60));
    }
    log = LogReader.read(clients, PREFIX, firstRevision, last, Duration.ofSeconds(60));
  }

  /** The current revision, from the first master that answers; the cluster may be healing. */
  static long awaitRevision(List<EtcdClient> clients) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      for (EtcdClient c : clients) {
        try {
          return c.revision();
        } catch (RuntimeException e) {
          last = e;
        }
      }
      try {
        Thread.sleep(250); // the cluster is healing: a leader may not be elected yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("no master answered a read after the run", last);
  }

  @Override
  public CheckResult check(List<Op> history) {
    List<WatchSession> sessions = followers.stream().map(Follower::session).toList();
    return WatchChecker.check(sessions, log);
  }

  @Override
  public Map<String, Object> artifacts() {
    return Map.of("watch-sessions", followers.stream().map(Follower::session).toList(),
        "watch-log", log);
  }
}
