package dev.keelson.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.keelson.etcd.etcdserverpb.Compare;
import dev.keelson.etcd.etcdserverpb.CompactionRequest;
import dev.keelson.etcd.etcdserverpb.DeleteRangeRequest;
import dev.keelson.etcd.etcdserverpb.PutRequest;
import dev.keelson.etcd.etcdserverpb.RangeRequest;
import dev.keelson.etcd.etcdserverpb.RangeResponse;
import dev.keelson.etcd.etcdserverpb.RequestOp;
import dev.keelson.etcd.etcdserverpb.ResponseHeader;
import dev.keelson.etcd.etcdserverpb.ResponseOp;
import dev.keelson.etcd.etcdserverpb.TxnRequest;
import dev.keelson.etcd.etcdserverpb.TxnResponse;
import dev.keelson.etcd.mvccpb.KeyValue;
import dev.keelson.server.testing.EtcdClient;
import dev.keelson.server.testing.EtcdProcess;
import dev.keelson.server.testing.LocalCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test: a seeded random sequence of KV requests goes to a real etcd 3.4 and to a
 * three-master Keelson cluster, and every answer (response or gRPC error) must be the same.
 *
 * <p>Normalization: only {@code cluster_id}, {@code member_id} and {@code raft_term} are zeroed,
 * in every header at every depth; everything else, revisions included, must be equal.
 *
 * <p>Sort ties: etcd sorts with Go's {@code sort.Sort}. etcd 3.4.23 is built with Go 1.19, whose
 * pdqsort uses insertion sort (stable) for at most 12 elements and an unstable algorithm above.
 * Keelson sorts stably. So when a Range sorts by a target other than KEY and etcd sorted more
 * than 12 key-values, key-values that tie on the target may come in either order: for those
 * responses, and only those, each run of equal target values is compared as a set (ordered by key
 * on both sides first), while the sequence of target values must still be identical. To keep
 * that the only freedom, the generator uses a limit or keys_only-with-VALUE-sort (where ties at
 * the cut, or the tie values themselves, would be invisible) only on ranges that can hold at
 * most 12 keys, where the comparison is exact.
 *
 * <p>Seed and length: {@code -Ddifferential.seed=N}, {@code -Ddifferential.steps=N}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DifferentialIT {
  private static final long DEFAULT_SEED = 20240611L;
  private static final int DEFAULT_STEPS = 650;
  /** Go 1.19's sort.Sort is an insertion sort, hence stable, up to this many elements. */
  private static final int GO_STABLE_SORT_MAX = 12;
  private static final long NO_SUCH_LEASE = 0x5eed;

  /** Every key a test request ever writes: overlapping prefixes, a 0x00 and 0xFF byte. */
  private static final List<ByteString> KEYS = new ArrayList<>();
  /** Keys never written, for reads, compares and deletes of absent keys. */
  private static final List<ByteString> ABSENT = List.of(bs("k99"), bs("a/"), bs("zz"),
      bs("k1\u0000"), ByteString.copyFrom(new byte[] {'n', (byte) 0xFF, (byte) 0xFF}));
  private static final List<ByteString> PREFIXES = List.of(bs("k"), bs("k1"), bs("a/"), bs("b/"),
      bs("n"), ByteString.copyFrom(new byte[] {'n', 0}), ByteString.copyFrom(new byte[] {(byte) 0xFF}));

  static {
    for (int i = 0; i < 20; i++) {
      KEYS.add(bs("k" + i));
    }
    for (int i = 0; i < 6; i++) {
      KEYS.add(bs("a/" + i));
      KEYS.add(bs("b/" + i));
    }
    KEYS.add(ByteString.copyFrom(new byte[] {'n', 0}));
    KEYS.add(ByteString.copyFrom(new byte[] {'n', 0, 'x'}));
    KEYS.add(ByteString.copyFrom(new byte[] {'n', (byte) 0xFF}));
    KEYS.add(ByteString.copyFrom(new byte[] {(byte) 0xFF}));
  }

  @TempDir Path dir;

  @Test
  void randomRequestsAnswerExactlyAsEtcdDoes() throws Exception {
    if (!EtcdProcess.available()) {
      System.out.println("SKIP DifferentialIT: " + EtcdProcess.BINARY
          + " not found (apt-get install etcd-server, 3.4)");
    }
    Assumptions.assumeTrue(EtcdProcess.available(), EtcdProcess.BINARY + " (etcd 3.4) is not installed");
    long seed = Long.getLong("differential.seed", DEFAULT_SEED);
    int steps = Integer.getInteger("differential.steps", DEFAULT_STEPS);
    System.out.printf("DifferentialIT: seed %d, %d steps (rerun with -Ddifferential.seed=%d)%n",
        seed, steps, seed);
    long started = System.nanoTime();
    try (EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"));
        LocalCluster cluster = LocalCluster.start(dir.resolve("keelson"))) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      Run run = new Run(etcd, cluster, seed);
      for (int i = 0; i < steps; i++) {
        run.step();
      }
      run.compareEverything();
      System.out.printf("DifferentialIT: %d operations agreed (%s), final revision %d, "
              + "compacted at %d, %.1f s%n", run.index, run.stats, run.rev, run.compacted,
          (System.nanoTime() - started) / 1e9);
      assertThat(run.index).isGreaterThanOrEqualTo(600);
    }
  }

  private enum Kind { PUT, RANGE, DELETE, TXN, COMPACT }

  private record Op(Kind kind, Message request) {
    Message call(EtcdClient c) {
      return switch (kind) {
        case PUT -> c.kv().put((PutRequest) request);
        case RANGE -> c.kv().range((RangeRequest) request);
        case DELETE -> c.kv().deleteRange((DeleteRangeRequest) request);
        case TXN -> c.kv().txn((TxnRequest) request);
        case COMPACT -> c.kv().compact((CompactionRequest) request);
      };
    }

    boolean serializableRange() {
      return kind == Kind.RANGE && ((RangeRequest) request).getSerializable();
    }
  }

  /** A response, or the gRPC error in its place. */
  private record Outcome(Message response, Status.Code code, String description) {
    static Outcome of(Supplier<Message> call) {
      try {
        return new Outcome(call.get(), null, null);
      } catch (StatusRuntimeException e) {
        return new Outcome(null, e.getStatus().getCode(), e.getStatus().getDescription());
      }
    }

    boolean ok() {
      return response != null;
    }

    @Override
    public String toString() {
      return ok() ? TextFormat.printer().printToString(response)
          : "ERROR " + code + ": " + description;
    }
  }

  /** One differential run: generates, sends to both sides, compares. */
  private static final class Run {
    final EtcdProcess etcdProcess;
    final EtcdClient etcd;
    final LocalCluster cluster;
    final long seed;
    final Random rnd;
    final Map<String, Integer> stats = new TreeMap<>();
    int index;
    /** etcd's newest revision, as its responses report it. */
    long rev;
    /** The last successful compaction revision (-1: none), as etcd reported it. */
    long compacted = -1;

    /** The previous request, shown when etcd dies (the culprit is usually that one). */
    Op previous;

    Run(EtcdProcess etcd, LocalCluster cluster, long seed) {
      this.etcdProcess = etcd;
      this.etcd = etcd.client();
      this.cluster = cluster;
      this.seed = seed;
      this.rnd = new Random(seed);
      this.rev = this.etcd.status().getHeader().getRevision();
    }

    // ---- driving -------------------------------------------------------------------------

    void step() {
      int r = rnd.nextInt(100);
      if (r < 28) {
        check(new Op(Kind.PUT, put()));
      } else if (r < 56) {
        check(new Op(Kind.RANGE, range(false)));
      } else if (r < 66) {
        check(new Op(Kind.DELETE, delete(false)));
      } else if (r < 92) {
        check(new Op(Kind.TXN, txn(0)));
      } else if (r < 97) {
        check(new Op(Kind.TXN, specialTxn()));
      } else {
        Outcome o = check(new Op(Kind.COMPACT, compaction()));
        if (o.ok() && compacted > 0) {
          // reads right at and right below the new compaction revision, on both sides
          check(new Op(Kind.RANGE, RangeRequest.newBuilder().setKey(bs("\0"))
              .setRangeEnd(bs("\0")).setRevision(compacted).build()));
          check(new Op(Kind.RANGE, RangeRequest.newBuilder().setKey(pick(KEYS))
              .setRevision(compacted - 1).setSerializable(rnd.nextBoolean()).build()));
          check(new Op(Kind.TXN, TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
              .setRequestRange(RangeRequest.newBuilder().setKey(pick(KEYS))
                  .setRevision(compacted - 1))).build()));
        }
      }
    }

    /** Sends op to etcd and to the next Keelson master; both must answer the same. */
    Outcome check(Op op) {
      int n = index++;
      int master = n % cluster.size();
      Outcome expected = Outcome.of(() -> op.call(etcd));
      if (!etcdProcess.isAlive() || expected.code() == Status.Code.UNAVAILABLE) {
        fail(String.format("etcd failed at op #%d (seed %d, alive %s): %s%n"
                + "previous request %s: %s%netcd log tail:%n%s", n, seed, etcdProcess.isAlive(),
            expected, previous == null ? "-" : previous.kind(),
            previous == null ? "-" : TextFormat.printer().printToString(previous.request()),
            etcdProcess.logTail(40)));
      }
      previous = op;
      if (op.serializableRange()) {
        awaitCaughtUp(master);
      }
      Outcome actual = Outcome.of(() -> op.call(cluster.client(master)));
      Outcome e = comparable(op, expected);
      Outcome a = comparable(op, actual);
      if (!Objects.equals(e, a)) {
        fail(String.format("op #%d (seed %d) differs, Keelson master %d (%s)%nrequest %s: %s%n"
                + "etcd:    %s%nkeelson: %s", n, seed, master, cluster.endpoint(master),
            op.kind(), TextFormat.printer().printToString(op.request()), expected, actual));
      }
      stats.merge(op.kind() + (expected.ok() ? ""
          : " (" + expected.description().replace("etcdserver: ", "") + ")"), 1, Integer::sum);
      if (expected.ok()) {
        Object h = expected.response().getField(
            expected.response().getDescriptorForType().findFieldByName("header"));
        rev = Math.max(rev, ((ResponseHeader) h).getRevision());
        if (op.kind() == Kind.COMPACT) {
          compacted = ((CompactionRequest) op.request()).getRevision();
        }
      }
      return expected;
    }

    /**
     * Serializable reads may be stale by design: before one, let the master apply everything
     * some master has applied (which covers every write acknowledged so far).
     */
    void awaitCaughtUp(int master) {
      long target = 0;
      for (int i = 0; i < cluster.size(); i++) {
        target = Math.max(target, cluster.client(i).status().getRaftAppliedIndex());
      }
      long t = target;
      await("master " + master + " applies up to index " + t).atMost(Duration.ofSeconds(10))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
          .until(() -> cluster.client(master).status().getRaftAppliedIndex() >= t);
    }

    /** The whole key space on every master, linearizable and serializable. */
    void compareEverything() {
      RangeRequest all = RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build();
      RangeResponse expected = etcd.kv().range(all);
      assertThat(expected.getHeader().getRevision()).isEqualTo(rev);
      for (int i = 0; i < cluster.size(); i++) {
        for (boolean serializable : new boolean[] {false, true}) {
          if (serializable) {
            awaitCaughtUp(i);
          }
          RangeResponse actual = cluster.client(i).kv()
              .range(all.toBuilder().setSerializable(serializable).build());
          assertThat(normalize(actual))
              .as("full range on master %d (serializable %s)", i, serializable)
              .isEqualTo(normalize(expected));
          assertThat(actual.getHeader().getRevision()).isEqualTo(expected.getHeader().getRevision());
        }
      }
      index += 2 * cluster.size();
    }

    // ---- generation ----------------------------------------------------------------------

    boolean p(int percent) {
      return rnd.nextInt(100) < percent;
    }

    /** About once in 250 requests: an empty key, which etcd refuses. */
    boolean rare() {
      return rnd.nextInt(250) == 0;
    }

    <T> T pick(List<T> list) {
      return list.get(rnd.nextInt(list.size()));
    }

    ByteString value() {
      int r = rnd.nextInt(100);
      if (r < 12) {
        return ByteString.EMPTY;
      }
      if (r < 70) {
        return bs("v" + rnd.nextInt(4)); // few distinct values: ties when sorting by VALUE
      }
      byte[] b = new byte[1 + rnd.nextInt(12)];
      rnd.nextBytes(b);
      return ByteString.copyFrom(b);
    }

    /** A key range: key and range_end (null: the single key). */
    record Sel(ByteString key, ByteString end) {
      /** At most 12 writable keys in range, so Go's sort is stable on it. */
      boolean small() {
        return KEYS.stream().filter(this::contains).count() <= GO_STABLE_SORT_MAX;
      }

      boolean contains(ByteString k) {
        if (end == null) {
          return k.equals(key);
        }
        boolean toInfinity = end.size() == 1 && end.byteAt(0) == 0;
        return compareBytes(k, key) >= 0 && (toInfinity || compareBytes(k, end) < 0);
      }

      boolean toInfinity() {
        return end != null && end.size() == 1 && end.byteAt(0) == 0;
      }
    }

    Sel selector() {
      int r = rnd.nextInt(100);
      if (r < 45) {
        return new Sel(p(85) ? pick(KEYS) : pick(ABSENT), null);
      }
      if (r < 70) {
        ByteString prefix = pick(PREFIXES);
        return new Sel(prefix, prefixEnd(prefix));
      }
      if (r < 88) {
        return new Sel(pick(KEYS), p(85) ? pick(KEYS) : pick(ABSENT)); // may be inverted
      }
      if (r < 96) {
        return new Sel(pick(KEYS), bs("\0"));
      }
      return new Sel(bs("\0"), bs("\0"));
    }

    long readRevision() {
      int r = rnd.nextInt(100);
      if (r < 55) {
        return 0;
      }
      if (r < 75) {
        long oldest = Math.max(1, compacted);
        return oldest + rnd.nextInt((int) (rev - oldest + 1)); // readable past
      }
      if (r < 83 && compacted > 1) {
        return 1 + rnd.nextInt((int) compacted - 1); // compacted
      }
      if (r < 87 && compacted > 0) {
        return compacted; // the oldest revision still readable
      }
      if (r < 95) {
        return rev + 1 + rnd.nextInt(3); // future
      }
      return p(50) ? -1 - rnd.nextInt(3) : 1 + rnd.nextInt((int) rev);
    }

    RangeRequest range(boolean inTxn) {
      Sel s = selector();
      RangeRequest.Builder b = RangeRequest.newBuilder().setKey(s.key());
      if (s.end() != null) {
        b.setRangeEnd(s.end());
      }
      if (rare()) {
        b.clearKey();
      }
      b.setRevision(inTxn && p(75) ? 0 : readRevision());
      b.setSerializable(p(40));
      if (p(30)) {
        b.setSortOrder(pick(List.of(RangeRequest.SortOrder.NONE, RangeRequest.SortOrder.ASCEND,
            RangeRequest.SortOrder.DESCEND)));
      }
      if (p(35)) {
        b.setSortTarget(pick(List.of(RangeRequest.SortTarget.values()).subList(0, 5)));
      }
      if (p(25)) {
        b.setLimit(p(90) ? 1 + rnd.nextInt(5) : -1);
      }
      b.setCountOnly(p(10));
      b.setKeysOnly(p(15));
      if (p(20)) {
        long bound = rev + 2;
        if (p(50)) {
          b.setMinModRevision(rnd.nextInt((int) bound));
        }
        if (p(50)) {
          b.setMaxModRevision(rnd.nextInt((int) bound));
        }
        if (p(50)) {
          b.setMinCreateRevision(rnd.nextInt((int) bound));
        }
        if (p(50)) {
          b.setMaxCreateRevision(rnd.nextInt((int) bound));
        }
      }
      if (b.getSortTarget() != RangeRequest.SortTarget.KEY && !s.small()) {
        // ties cut by the limit, or hidden by keys_only, would be ambiguous (class comment)
        b.setLimit(0);
        if (b.getSortTarget() == RangeRequest.SortTarget.VALUE) {
          b.setKeysOnly(false);
        }
      }
      return b.build();
    }

    PutRequest put() {
      PutRequest.Builder b = PutRequest.newBuilder().setKey(pick(KEYS)).setValue(value());
      if (rare()) {
        b.clearKey();
      }
      b.setPrevKv(p(30));
      if (p(8)) {
        b.setIgnoreValue(true);
        if (p(80)) {
          b.clearValue();
        }
      }
      if (p(8)) {
        b.setIgnoreLease(true);
        if (p(20)) {
          b.setLease(NO_SUCH_LEASE);
        }
      } else if (p(3)) {
        b.setLease(NO_SUCH_LEASE);
      }
      return b.build();
    }

    DeleteRangeRequest delete(boolean inTxn) {
      Sel s = inTxn && p(60) ? new Sel(pick(KEYS), null) : selector();
      if (inTxn) {
        // etcd's duplicate-key check takes range_end "\0" literally, so a txn may delete
        // [k, +inf) and then put a key in it; a put with ignore_value after that would make etcd
        // 3.4 panic ("unexpected error during txn"). Only specialTxn does that, without flags.
        while (s.toInfinity()) {
          s = selector();
        }
      } else if (s.key().equals(bs("\0")) && p(70)) {
        s = new Sel(pick(KEYS), null); // wiping everything often would make a dull history
      }
      DeleteRangeRequest.Builder b = DeleteRangeRequest.newBuilder().setKey(s.key())
          .setPrevKv(p(40));
      if (s.end() != null) {
        b.setRangeEnd(s.end());
      }
      if (rare()) {
        b.clearKey();
      }
      return b.build();
    }

    KeyValue peek(ByteString key) {
      RangeResponse r = etcd.kv().range(RangeRequest.newBuilder().setKey(key)
          .setSerializable(true).build());
      return r.getKvsCount() == 0 ? null : r.getKvs(0);
    }

    Compare compare() {
      Sel s = p(80) ? new Sel(p(85) ? pick(KEYS) : pick(ABSENT), null) : selector();
      Compare.Builder b = Compare.newBuilder().setKey(s.key())
          .setResult(pick(List.of(Compare.CompareResult.values()).subList(0, 4)))
          .setTarget(p(5) ? Compare.CompareTarget.LEASE
              : pick(List.of(Compare.CompareTarget.values()).subList(0, 4)));
      if (s.end() != null) {
        b.setRangeEnd(s.end());
      }
      KeyValue cur = p(55) ? peek(s.key()) : null; // aim at the real state half of the time
      long revBound = rev + 2;
      switch (b.getTarget()) {
        case VERSION -> b.setVersion(cur != null ? cur.getVersion() : rnd.nextInt(4));
        case CREATE -> b.setCreateRevision(
            cur != null ? cur.getCreateRevision() : rnd.nextInt((int) revBound));
        case MOD -> b.setModRevision(cur != null ? cur.getModRevision() : rnd.nextInt((int) revBound));
        case VALUE -> {
          if (p(95)) {
            b.setValue(cur != null ? cur.getValue() : value());
          }
        }
        default -> b.setLease(p(80) ? 0 : NO_SUCH_LEASE);
      }
      if (p(3)) {
        b.setModRevision(rnd.nextInt((int) revBound)); // union not matching the target
      }
      if (rare()) {
        b.clearKey();
      }
      return b.build();
    }

    RequestOp requestOp(int depth) {
      int r = rnd.nextInt(100);
      RequestOp.Builder b = RequestOp.newBuilder();
      if (r < 35) {
        b.setRequestPut(put());
      } else if (r < 65) {
        b.setRequestRange(range(true));
      } else if (r < 88) {
        b.setRequestDeleteRange(delete(true));
      } else if (r < 99 && depth < 2) {
        b.setRequestTxn(txn(depth + 1));
      } else if (r == 99) {
        return RequestOp.getDefaultInstance(); // an empty op
      } else {
        b.setRequestRange(range(true));
      }
      return b.build();
    }

    TxnRequest txn(int depth) {
      TxnRequest.Builder b = TxnRequest.newBuilder();
      int compares = rnd.nextInt(4);
      for (int i = 0; i < compares; i++) {
        b.addCompare(compare());
      }
      int success = rnd.nextInt(depth == 0 ? 5 : 3);
      for (int i = 0; i < success; i++) {
        b.addSuccess(requestOp(depth));
      }
      int failure = rnd.nextInt(depth == 0 ? 4 : 3);
      for (int i = 0; i < failure; i++) {
        b.addFailure(requestOp(depth));
      }
      return b.build();
    }

    /** Txns built to probe etcd's request checks: duplicate keys, overlaps, op limits. */
    TxnRequest specialTxn() {
      ByteString k = pick(KEYS);
      RequestOp putK = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(k)
          .setValue(value())).build();
      TxnRequest.Builder b = TxnRequest.newBuilder();
      if (p(50)) {
        b.addCompare(compare());
      }
      switch (rnd.nextInt(8)) {
        case 0 -> b.addSuccess(putK).addSuccess(requestOp(0)).addSuccess(putK); // duplicate put
        case 1 -> { // put and delete of the same key, in either order
          RequestOp del = RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
              .newBuilder().setKey(k).setPrevKv(p(50))).build();
          if (p(50)) {
            b.addSuccess(putK).addSuccess(del);
          } else {
            b.addFailure(del).addFailure(putK);
          }
        }
        case 2 -> { // put into a deleted range
          ByteString prefix = pick(PREFIXES);
          ByteString key = KEYS.stream().filter(x -> x.startsWith(prefix)).findFirst().orElse(k);
          b.addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
              .newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))));
          b.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)));
        }
        case 3 -> { // delete [k, +inf) then put above k: etcd takes "\0" literally and allows it
          ByteString from = pick(KEYS);
          b.addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
              .newBuilder().setKey(from).setRangeEnd(bs("\0")).setPrevKv(p(50))));
          b.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
              .setKey(pick(KEYS)).setValue(value()).setPrevKv(p(50))));
        }
        case 4 -> { // the same key in a nested txn and outside, or in its then and else
          TxnRequest nested = TxnRequest.newBuilder().addCompare(compare())
              .addSuccess(putK).addFailure(p(60) ? putK : requestOp(1)).build();
          b.addSuccess(RequestOp.newBuilder().setRequestTxn(nested));
          if (p(50)) {
            b.addSuccess(p(50) ? putK : RequestOp.newBuilder().setRequestDeleteRange(
                DeleteRangeRequest.newBuilder().setKey(k)).build());
          }
        }
        case 5 -> { // too many ops: at the top, or in a nested txn (which gets 128 - outer)
          int outer = 90 + rnd.nextInt(30);
          int inner = 127 - outer - 2 + rnd.nextInt(5); // around the nested limit 128 - (outer + 1)
          TxnRequest.Builder nested = TxnRequest.newBuilder();
          for (int i = 0; i < inner; i++) {
            nested.addSuccess(countOp(pick(KEYS)));
          }
          for (int i = 0; i < outer; i++) {
            b.addSuccess(countOp(pick(KEYS)));
          }
          b.addSuccess(RequestOp.newBuilder().setRequestTxn(nested));
          if (p(15)) {
            for (int i = 0; i < 129; i++) {
              b.addCompare(Compare.newBuilder().setKey(pick(KEYS))
                  .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.GREATER)
                  .setVersion(-1));
            }
          }
        }
        case 6 -> { // failing checks in several ops: which error wins
          b.addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
              .setKey(pick(KEYS)).setRevision(p(50) ? rev + 5 : Math.max(1, compacted - 1))));
          b.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
              .setKey(pick(ABSENT)).setIgnoreValue(true)));
          if (p(50)) {
            b.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                .setKey(pick(KEYS)).setLease(NO_SUCH_LEASE)));
          }
        }
        default -> { // an empty op among others
          b.addSuccess(requestOp(0)).addSuccess(RequestOp.getDefaultInstance());
          b.addFailure(requestOp(0));
        }
      }
      return b.build();
    }

    RequestOp countOp(ByteString key) {
      return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)
          .setCountOnly(true)).build();
    }

    CompactionRequest compaction() {
      int r = rnd.nextInt(100);
      long target;
      if (r < 70 && rev > compacted + 1) {
        long from = Math.max(compacted, 0);
        target = from + 1 + rnd.nextInt((int) (rev - from)); // in (compacted, rev]
      } else if (r < 85) {
        target = compacted - rnd.nextInt(3); // already compacted
      } else {
        target = rev + 1 + rnd.nextInt(5); // future
      }
      return CompactionRequest.newBuilder().setRevision(target).setPhysical(p(50)).build();
    }

    // ---- comparison ----------------------------------------------------------------------

    /** The outcome as compared: ids normalized, sort ties canonical where etcd is unstable. */
    Outcome comparable(Op op, Outcome o) {
      if (!o.ok()) {
        return o;
      }
      Message m = normalize(o.response());
      if (op.kind() == Kind.RANGE) {
        m = canonicalTies((RangeRequest) op.request(), (RangeResponse) m);
      } else if (op.kind() == Kind.TXN) {
        m = canonicalTies((TxnRequest) op.request(), (TxnResponse) m);
      }
      return new Outcome(m, null, null);
    }
  }

  /** Zeroes cluster_id, member_id and raft_term in every ResponseHeader, at any depth. */
  static Message normalize(Message m) {
    if (m instanceof ResponseHeader h) {
      return h.toBuilder().clearClusterId().clearMemberId().clearRaftTerm().build();
    }
    Message.Builder b = m.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        b.clearField(f);
        for (Object item : (List<?>) e.getValue()) {
          b.addRepeatedField(f, normalize((Message) item));
        }
      } else {
        b.setField(f, normalize((Message) e.getValue()));
      }
    }
    return b.build();
  }

  static TxnResponse canonicalTies(TxnRequest q, TxnResponse r) {
    List<RequestOp> ops = r.getSucceeded() ? q.getSuccessList() : q.getFailureList();
    TxnResponse.Builder b = r.toBuilder();
    for (int i = 0; i < Math.min(ops.size(), r.getResponsesCount()); i++) {
      RequestOp op = ops.get(i);
      ResponseOp res = r.getResponses(i);
      if (op.hasRequestRange() && res.hasResponseRange()) {
        b.setResponses(i, res.toBuilder().setResponseRange(
            canonicalTies(op.getRequestRange(), res.getResponseRange())));
      } else if (op.hasRequestTxn() && res.hasResponseTxn()) {
        b.setResponses(i, res.toBuilder().setResponseTxn(
            canonicalTies(op.getRequestTxn(), res.getResponseTxn())));
      }
    }
    return b.build();
  }

  /**
   * Where Go's sort is unstable (non-KEY target, more than 12 key-values sorted), orders each run
   * of equal target values by key; the runs themselves, and so the sequence of target values,
   * stay as the server sent them.
   */
  static RangeResponse canonicalTies(RangeRequest q, RangeResponse r) {
    RangeRequest.SortTarget target = q.getSortTarget();
    if (target == RangeRequest.SortTarget.KEY || r.getKvsCount() <= GO_STABLE_SORT_MAX) {
      return r;
    }
    if (r.getMore() || (q.getKeysOnly() && target == RangeRequest.SortTarget.VALUE)) {
      throw new AssertionError("generator bug: ambiguous sorted range " + q);
    }
    List<KeyValue> kvs = new ArrayList<>(r.getKvsList());
    int i = 0;
    while (i < kvs.size()) {
      int j = i + 1;
      while (j < kvs.size() && sortValue(kvs.get(j), target).equals(sortValue(kvs.get(i), target))) {
        j++;
      }
      kvs.subList(i, j).sort(Comparator.comparing(KeyValue::getKey, DifferentialIT::compareBytes));
      i = j;
    }
    return r.toBuilder().clearKvs().addAllKvs(kvs).build();
  }

  private static Object sortValue(KeyValue kv, RangeRequest.SortTarget target) {
    return switch (target) {
      case VERSION -> kv.getVersion();
      case CREATE -> kv.getCreateRevision();
      case MOD -> kv.getModRevision();
      case VALUE -> kv.getValue();
      default -> kv.getKey();
    };
  }

  static int compareBytes(ByteString a, ByteString b) {
    return ByteString.unsignedLexicographicalComparator().compare(a, b);
  }

  /** clientv3's prefix end: the prefix with its last non-0xFF byte incremented, or "\0". */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xFF) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return bs("\0");
  }

  private static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.ISO_8859_1);
  }
}
