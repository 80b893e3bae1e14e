package dev.keelson.chaos.workload;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.check.RegisterChecker;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registers under {@code reg/}: reads (linearizable), writes and compare-and-swaps (a Txn that
 * compares the value, or version 0 for an absent key). All clients work on one key at a time
 * and move to the next after {@code callsPerKey} calls, so that each key's history stays small
 * enough for an exhaustive linearizability search (as Jepsen's independent keys).
 */
final class RegisterWorkload implements EtcdWorkload {
  private final int callsPerKey;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong values = new AtomicLong(1);
  /** The value each key last held as far as the clients know: what a cas expects. */
  private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();

  RegisterWorkload(int callsPerKey) {
    this.callsPerKey = callsPerKey;
  }

  @Override
  public String name() {
    return "register";
  }

  @Override
  public Op.Type step(EtcdClient client, Recorder h, int p, Random rnd) {
    String key = "reg/" + calls.getAndIncrement() / callsPerKey;
    int kind = rnd.nextInt(3);
    if (kind == 0) {
      h.record(p, Op.Type.INVOKE, "read", key, null, null, null, null, null, null);
      try {
        EtcdClient.Read r = client.read(key);
        h.record(p, Op.Type.OK, "read", key, r.value(), null, null, null, r.revision(), null);
        if (r.value() != null) {
          lastSeen.put(key, r.value());
        }
        return Op.Type.OK;
      } catch (RuntimeException e) {
        // a read changes nothing: whatever happened to it, it did not happen
        h.record(p, Op.Type.FAIL, "read", key, null, null, null, null, null,
            Outcome.describe(e));
        return Op.Type.FAIL;
      }
    }
    long v = values.getAndIncrement();
    if (kind == 1) {
      h.record(p, Op.Type.INVOKE, "write", key, v, null, null, null, null, null);
      try {
        long rev = client.write(key, v);
        h.record(p, Op.Type.OK, "write", key, v, null, null, null, rev, null);
        lastSeen.put(key, v);
        return Op.Type.OK;
      } catch (RuntimeException e) {
        return failed(h, p, "write", key, v, null, e);
      }
    }
    Long expected = rnd.nextInt(8) == 0 ? null : lastSeen.get(key);
    h.record(p, Op.Type.INVOKE, "cas", key, v, expected, null, null, null, null);
    try {
      EtcdClient.Cas c = client.cas(key, expected, v);
      h.record(p, Op.Type.OK, "cas", key, v, expected, c.succeeded(), null, c.revision(), null);
      if (c.succeeded()) {
        lastSeen.put(key, v);
      }
      return Op.Type.OK;
    } catch (RuntimeException e) {
      return failed(h, p, "cas", key, v, expected, e);
    }
  }

  private static Op.Type failed(Recorder h, int p, String f, String key, long v, Long expected,
      RuntimeException e) {
    Op.Type t = Outcome.certainlyNotApplied(e) ? Op.Type.FAIL : Op.Type.INFO;
    h.record(p, t, f, key, v, expected, null, null, null, Outcome.describe(e));
    return t;
  }

  @Override
  public void finish(List<EtcdClient> clients, Recorder h, int process) {
    // every key's last read is part of the run itself; nothing more is needed
  }

  @Override
  public CheckResult check(List<Op> history) {
    return RegisterChecker.check(history);
  }
}
