package dev.keelson.chaos.workload;

import dev.keelson.chaos.check.CheckResult;
import dev.keelson.chaos.check.SetChecker;
import dev.keelson.chaos.history.Op;
import dev.keelson.chaos.history.Recorder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sets that only grow: adding element e to set s puts {@code set/<s>/<e>} = e; reading a set
 * is a linearizable range over its prefix. Elements go to set {@code e / }{@value #PER_SET},
 * so sets stay small and a read of the current set stays cheap however long the run (reading
 * one ever-growing set made the history grow with the square of the run's length). One
 * operation in twenty reads the current set; after the faults every set is read on every
 * master. The checker finds acknowledged adds missing from a set's final read and elements
 * that were never added.
 */
final class SetWorkload implements EtcdWorkload {
  static final String PREFIX = "set/";
  static final int PER_SET = 500;
  private final AtomicLong elements = new AtomicLong(1);

  @Override
  public String name() {
    return "set";
  }

  @Override
  public Op.Type step(EtcdClient client, Recorder h, int p, Random rnd) {
    if (rnd.nextInt(20) == 0) {
      return read(client, h, p, elements.get() / PER_SET) ? Op.Type.OK : Op.Type.FAIL;
    }
    long e = elements.getAndIncrement();
    String set = name(e / PER_SET);
    h.record(p, Op.Type.INVOKE, "add", set, e, null, null, null, null, null);
    try {
      long rev = client.write(PREFIX + (e / PER_SET) + "/" + String.format("%012d", e), e);
      h.record(p, Op.Type.OK, "add", set, e, null, null, null, rev, null);
      return Op.Type.OK;
    } catch (RuntimeException ex) {
      Op.Type t = Outcome.certainlyNotApplied(ex) ? Op.Type.FAIL : Op.Type.INFO;
      h.record(p, t, "add", set, e, null, null, null, null, Outcome.describe(ex));
      return t;
    }
  }

  private static String name(long set) {
    return "set-" + set;
  }

  private static boolean read(EtcdClient client, Recorder h, int p, long set) {
    h.record(p, Op.Type.INVOKE, "read-all", name(set), null, null, null, null, null, null);
    try {
      List<Long> all = client.readPrefix(PREFIX + set + "/");
      h.record(p, Op.Type.OK, "read-all", name(set), null, null, null, all, null, null);
      return true;
    } catch (RuntimeException ex) {
      h.record(p, Op.Type.FAIL, "read-all", name(set), null, null, null, null, null,
          Outcome.describe(ex));
      return false;
    }
  }

  @Override
  public void finish(List<EtcdClient> clients, Recorder h, int process) {
    long sets = (elements.get() - 1) / PER_SET + 1;
    for (EtcdClient c : clients) {
      for (long s = 0; s < sets; s++) {
        finalRead(c, h, process, s);
      }
    }
  }

  private static void finalRead(EtcdClient c, Recorder h, int process, long set) {
    for (int attempt = 0; attempt < 20 && !read(c, h, process, set); attempt++) {
      try {
        Thread.sleep(250); // a master that has just come back may refuse a first read
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public CheckResult check(List<Op> history) {
    return SetChecker.check(history);
  }
}
