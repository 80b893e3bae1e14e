package dev.keelson.chaos.workload;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.check.SetChecker;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A set that only grows: adding element e puts {@code set/<e>} = e; reading it is a
 * linearizable range over {@code set/}. One read in twenty during the run; after the faults,
 * one final read on every master. The checker finds acknowledged adds missing from the final
 * read and elements that were never added.
 */
final class SetWorkload implements Workload {
  static final String PREFIX = "set/";
  private final AtomicLong elements = new AtomicLong(1);

  @Override
  public String name() {
    return "set";
  }

  @Override
  public Op.Type step(EtcdClient client, Recorder h, int p, Random rnd) {
    if (rnd.nextInt(20) == 0) {
      return read(client, h, p) ? Op.Type.OK : Op.Type.FAIL;
    }
    long e = elements.getAndIncrement();
    h.record(p, Op.Type.INVOKE, "add", "set", e, null, null, null, null, null);
    try {
      long rev = client.write(PREFIX + String.format("%012d", e), e);
      h.record(p, Op.Type.OK, "add", "set", e, null, null, null, rev, null);
      return Op.Type.OK;
    } catch (RuntimeException ex) {
      Op.Type t = Outcome.certainlyNotApplied(ex) ? Op.Type.FAIL : Op.Type.INFO;
      h.record(p, t, "add", "set", e, null, null, null, null, Outcome.describe(ex));
      return t;
    }
  }

  private static boolean read(EtcdClient client, Recorder h, int p) {
    h.record(p, Op.Type.INVOKE, "read-all", "set", null, null, null, null, null, null);
    try {
      List<Long> all = client.readPrefix(PREFIX);
      h.record(p, Op.Type.OK, "read-all", "set", null, null, null, all, null, null);
      return true;
    } catch (RuntimeException ex) {
      h.record(p, Op.Type.FAIL, "read-all", "set", null, null, null, null, null,
          Outcome.describe(ex));
      return false;
    }
  }

  @Override
  public void finish(List<EtcdClient> clients, Recorder h, int process) {
    for (EtcdClient c : clients) {
      for (int attempt = 0; attempt < 20 && !read(c, h, process); attempt++) {
        try {
          Thread.sleep(250); // a master that has just come back may refuse a first read
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public CheckResult check(List<Op> history) {
    return SetChecker.check(history);
  }
}
