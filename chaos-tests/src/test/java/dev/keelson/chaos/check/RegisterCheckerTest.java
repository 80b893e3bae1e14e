package dev.keelson.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keelson.chaos.history.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegisterCheckerTest {
  @Test
  void overlappingOperationsMayTakeEffectInEitherOrder() {
    Hist h = new Hist().write(1, "k", 1)
        .invoke(1, "write", "k", 2L).invoke(2, "read", "k", null) // concurrent
        .ok(2, "read", "k", 2L).ok(1, "write", "k", 2L)
        .invoke(1, "write", "k", 3L).invoke(2, "read", "k", null)
        .ok(2, "read", "k", 2L).ok(1, "write", "k", 3L) // the read went first
        .read(3, "k", 3L);
    CheckResult r = RegisterChecker.check(h.ops);
    assertThat(r.valid()).as("%s", r.anomalies()).isTrue();
    assertThat(r.stats()).containsEntry("write-ok", 3L).containsEntry("read-ok", 3L);
  }

  @Test
  void aReadOfAValueThatWasAlreadyReplacedIsAStaleRead() {
    Hist h = new Hist().write(1, "k", 1).write(1, "k", 2).read(2, "k", 1L);
    CheckResult r = RegisterChecker.check(h.ops);
    assertThat(r.names()).containsExactly("stale-read");
    assertThat(r.anomalies().get(0).evidence()).anyMatch(l -> l.contains("read k 1"))
        .anyMatch(l -> l.contains("write k 2"));
  }

  @Test
  void readingTheStartAfterAWriteCompletedIsAStaleRead() {
    Hist h = new Hist().write(1, "k", 1).read(2, "k", null);
    assertThat(RegisterChecker.check(h.ops).names()).containsExactly("stale-read");
  }

  @Test
  void aReadOfAValueNobodyWroteOrOnlyAFailedWriteWroteIsAPhantomRead() {
    Hist never = new Hist().write(1, "k", 1).read(2, "k", 7L);
    assertThat(RegisterChecker.check(never.ops).names()).containsExactly("phantom-read");
    Hist failed = new Hist().invoke(1, "write", "k", 5L).fail(1, "write", "k", 5L)
        .read(2, "k", 5L);
    assertThat(RegisterChecker.check(failed.ops).names()).containsExactly("phantom-read");
  }

  @Test
  void aWriteWithAnUnknownOutcomeMayShowUpAtAnyLaterTimeOrNever() {
    Hist seen = new Hist().write(1, "k", 1).invoke(2, "write", "k", 2L).info(2, "write", "k", 2L)
        .read(3, "k", 1L).read(3, "k", 2L).read(3, "k", 2L);
    assertThat(RegisterChecker.check(seen.ops).valid()).isTrue();
    Hist never = new Hist().write(1, "k", 1).invoke(2, "write", "k", 2L)
        .read(3, "k", 1L).read(3, "k", 1L); // p2 never completes: open at the end
    assertThat(RegisterChecker.check(never.ops).valid()).isTrue();
    Hist flapping = new Hist().write(1, "k", 1).invoke(2, "write", "k", 2L)
        .info(2, "write", "k", 2L).read(3, "k", 2L).read(3, "k", 1L);
    assertThat(RegisterChecker.check(flapping.ops).valid()).isFalse();
  }

  @Test
  void compareAndSwapSucceedsOnlyOnTheExpectedValueAndAFailedCompareIsARead() {
    Hist ok = new Hist().write(1, "k", 1)
        .invokeCas(1, "k", 1L, 2L).okCas(1, "k", 1L, 2L, true)
        .invokeCas(2, "k", 1L, 3L).okCas(2, "k", 1L, 3L, false)
        .read(3, "k", 2L);
    assertThat(RegisterChecker.check(ok.ops).valid()).isTrue();
    Hist bothWon = new Hist().write(1, "k", 1)
        .invokeCas(1, "k", 1L, 2L).okCas(1, "k", 1L, 2L, true)
        .invokeCas(2, "k", 1L, 3L).okCas(2, "k", 1L, 3L, true);
    CheckResult r = RegisterChecker.check(bothWon.ops);
    assertThat(r.names()).containsExactly("nonlinearizable");
    assertThat(r.anomalies().get(0).evidence()).anyMatch(l -> l.contains("cas k 1->3"));
  }

  @Test
  void keysAreCheckedOneByOne() {
    Hist h = new Hist().write(1, "a", 1).write(1, "b", 1).write(1, "a", 2).read(2, "b", 1L)
        .read(2, "a", 1L);
    CheckResult r = RegisterChecker.check(h.ops);
    assertThat(r.anomalies()).singleElement()
        .satisfies(a -> assertThat(a.message()).startsWith("key a:"));
    assertThat(r.stats()).containsEntry("keys", 2L);
  }

  @Test
  void aLongConcurrentHistoryOfRealRegistersIsLinearizable() {
    List<Op> ops = simulate(new Random(42), 20, 6, 150, Lie.NONE);
    CheckResult r = RegisterChecker.check(ops);
    assertThat(r.valid()).as("%s", r.anomalies()).isTrue();
    assertThat(r.stats()).containsEntry("keys", 20L);
    assertThat(r.stats().get("read-ok") + r.stats().get("write-ok")).isGreaterThan(1500);
  }

  @Test
  void oneLyingReadAmongThousandsOfOperationsIsFoundAndNamed() {
    CheckResult phantom = RegisterChecker.check(simulate(new Random(7), 20, 6, 150,
        Lie.NEVER_WRITTEN));
    assertThat(phantom.names()).containsExactly("phantom-read");
    CheckResult stale = RegisterChecker.check(simulate(new Random(7), 20, 6, 150, Lie.STALE));
    assertThat(stale.names()).containsExactly("stale-read");
  }

  /** What the one lying read (in the middle of key k10's calls) reports. */
  enum Lie { NONE, NEVER_WRITTEN, STALE }

  /** {@code keys} registers one after another, each with {@code calls} calls. */
  static List<Op> simulate(Random rnd, int keys, int processes, int calls, Lie lie) {
    List<Op> ops = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      simulate(ops, rnd, "k" + k, processes, calls, k == 10 ? lie : Lie.NONE);
    }
    return ops;
  }

  /**
   * A register used by {@code processes} clients at once: each call takes effect at its
   * invocation and completes after a random number of later lines; some end in info. The
   * first read completing after half the calls lies as {@code lie} says: a value never
   * written, or the register's start (absent) although writes completed before it began.
   */
  static void simulate(List<Op> ops, Random rnd, String key, int processes, int calls,
      Lie lie) {
    int lieAt = lie == Lie.NONE ? -1 : ops.size() + calls;
    Long state = null;
    long next = 1;
    int[] process = new int[processes];
    for (int i = 0; i < processes; i++) {
      process[i] = ops.size() + i; // unique per key: earlier keys' processes are done
    }
    Op[] pending = new Op[processes];
    Object[] result = new Object[processes];
    ArrayDeque<Integer> idle = new ArrayDeque<>();
    for (int i = 0; i < processes; i++) {
      idle.add(i);
    }
    int started = 0;
    while (started < calls || idle.size() < processes) {
      boolean start = started < calls && !idle.isEmpty() && (rnd.nextBoolean()
          || idle.size() == processes);
      if (start) {
        int slot = idle.poll();
        started++;
        int kind = rnd.nextInt(3);
        Op in;
        if (kind == 0) {
          in = op(ops, key, process[slot], Op.Type.INVOKE, "read", null, null, null);
          result[slot] = state;
        } else if (kind == 1) {
          long v = next++;
          in = op(ops, key, process[slot], Op.Type.INVOKE, "write", v, null, null);
          state = v;
        } else {
          Long expected = rnd.nextBoolean() ? state : Long.valueOf(rnd.nextInt(5));
          long v = next++;
          in = op(ops, key, process[slot], Op.Type.INVOKE, "cas", v, expected, null);
          boolean holds = java.util.Objects.equals(state, expected);
          result[slot] = holds;
          if (holds) {
            state = v;
          }
        }
        pending[slot] = in;
      } else {
        List<Integer> busy = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
          if (pending[i] != null) {
            busy.add(i);
          }
        }
        int slot = busy.get(rnd.nextInt(busy.size()));
        Op in = pending[slot];
        pending[slot] = null;
        if (!"read".equals(in.f()) && rnd.nextInt(20) == 0) {
          op(ops, key, process[slot], Op.Type.INFO, in.f(), in.value(), in.expected(), null);
          process[slot] += 1_000_000; // a new process after an info
        } else if ("read".equals(in.f())) {
          Long v = (Long) result[slot];
          if (lieAt >= 0 && ops.size() >= lieAt) {
            v = lie == Lie.NEVER_WRITTEN ? Long.valueOf(999_999L) : null;
            lieAt = -1;
          }
          op(ops, key, process[slot], Op.Type.OK, "read", v, null, null);
        } else if ("cas".equals(in.f())) {
          op(ops, key, process[slot], Op.Type.OK, "cas", in.value(), in.expected(),
              (Boolean) result[slot]);
        } else {
          op(ops, key, process[slot], Op.Type.OK, "write", in.value(), null, null);
        }
        idle.add(slot);
      }
    }
  }

  private static Op op(List<Op> ops, String key, int p, Op.Type type, String f, Long value, Long expected,
      Boolean succeeded) {
    Op o = new Op(ops.size(), p, type, f, key, value, expected, succeeded, null, ops.size(),
        null, null);
    ops.add(o);
    return o;
  }
}
