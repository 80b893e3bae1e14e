package dev.keelson.chaos.check;

import dev.keelson.chaos.history.Call;
import dev.keelson.chaos.history.Op;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Linearizability of registers (read, write, compare-and-swap), checked per key: a history is
 * linearizable when every completed operation can be placed at one instant between its
 * invocation and its completion so that the register's sequence of values explains every read
 * and every compare. Operations whose outcome is unknown ({@code info}, or open at the end) may
 * take effect at any instant after their invocation, or never; failed operations never did.
 *
 * <p>The search is Wing and Gong's, with Lowe's memoization (as in Knossos and Porcupine): walk
 * the invocation/completion events in time order; at an invocation, try to linearize it now
 * (the model accepts it and the pair of linearized set and value is new), and back up when a
 * completion is reached whose operation is not yet linearized. Unknown outcomes complete at
 * infinity, so they can always be placed last, which is the same as never.
 *
 * <p>The register's value is a {@code Long}; null means the key is absent (its start).
 */
public final class RegisterChecker {
  /** Search steps per key before the checker gives up and reports the key as unknown. */
  static final long STEP_BUDGET = 20_000_000;

  private RegisterChecker() {}

  public static CheckResult check(List<Op> history) {
    Map<String, List<Call>> byKey = new TreeMap<>();
    Map<String, Long> stats = new LinkedHashMap<>();
    for (Call c : Call.pair(history)) {
      stats.merge(c.f() + "-" + c.outcome().name().toLowerCase(Locale.ROOT), 1L,
          Long::sum);
      if (relevant(c)) {
        byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
      }
    }
    stats.put("keys", (long) byKey.size());
    List<Anomaly> anomalies = new ArrayList<>();
    for (Map.Entry<String, List<Call>> e : byKey.entrySet()) {
      Call phantom = phantomRead(e.getValue());
      if (phantom != null) { // no search needed, and none could explain it
        anomalies.add(explain(e.getKey(), e.getValue(), phantom));
        continue;
      }
      Search s = new Search(e.getValue());
      Outcome o = s.run();
      if (o == Outcome.UNKNOWN) {
        anomalies.add(new Anomaly("linearizability-unknown", "key " + e.getKey()
            + ": no answer within " + STEP_BUDGET + " search steps", List.of()));
      } else if (o == Outcome.NOT_LINEARIZABLE) {
        anomalies.add(explain(e.getKey(), e.getValue(), s.culprit()));
      }
    }
    return new CheckResult("register", anomalies, stats);
  }

  /** Failed operations never happened; a read with an unknown outcome tells nothing. */
  private static boolean relevant(Call c) {
    return switch (c.outcome()) {
      case FAIL -> false;
      case INFO -> !"read".equals(c.f());
      default -> true;
    };
  }

  // ---- the model ----------------------------------------------------------------------------

  /** The register after {@code c} takes effect on {@code state}, or {@link #REFUSED}. */
  private static Object step(Object state, Call c) {
    Op in = c.invoke();
    Op out = c.completion();
    switch (c.f()) {
      case "read" -> {
        return Objects.equals(state, out.value()) ? state : REFUSED;
      }
      case "write" -> {
        return in.value();
      }
      case "cas" -> {
        boolean holds = Objects.equals(state, in.expected());
        if (!c.ok()) {
          return holds ? in.value() : state; // unknown: it applies as it would have, or never
        }
        boolean succeeded = Boolean.TRUE.equals(out.succeeded());
        if (succeeded != holds) {
          return REFUSED;
        }
        return succeeded ? in.value() : state;
      }
      default -> throw new IllegalArgumentException("not a register operation: " + in.describe());
    }
  }

  private static final Object REFUSED = new Object();
  private static final Object ABSENT = new Object();

  private enum Outcome { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

  /** One call's invocation or completion in the time-ordered, doubly linked event list. */
  private static final class Event {
    final int id;
    final boolean invocation;
    Event match;
    Event prev;
    Event next;

    Event(int id, boolean invocation) {
      this.id = id;
      this.invocation = invocation;
    }
  }

  private record Seen(BitSet linearized, Object state) {}

  private record Frame(Event call, Object state) {}

  private static final class Search {
    private final List<Call> calls;
    private final Event head = new Event(-1, false);
    private int bestDepth = -1;
    private int culprit = -1;

    Search(List<Call> calls) {
      this.calls = calls;
      TreeMap<long[], Event> order = new TreeMap<>((a, b) -> a[0] != b[0]
          ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
      for (int i = 0; i < calls.size(); i++) {
        Call c = calls.get(i);
        Event call = new Event(i, true);
        Event ret = new Event(i, false);
        call.match = ret;
        order.put(new long[] {c.invoke().index(), i}, call);
        order.put(new long[] {c.returnIndex(), i}, ret);
      }
      Event last = head;
      for (Event e : order.values()) {
        last.next = e;
        e.prev = last;
        last = e;
      }
    }

    Call culprit() {
      return culprit < 0 ? null : calls.get(culprit);
    }

    Outcome run() {
      Object state = ABSENT;
      BitSet linearized = new BitSet(calls.size());
      Set<Seen> seen = new HashSet<>();
      ArrayList<Frame> stack = new ArrayList<>();
      Event entry = head.next;
      long steps = 0;
      while (head.next != null) {
        if (++steps > STEP_BUDGET) {
          return Outcome.UNKNOWN;
        }
        if (entry.invocation) {
          Object next = step(state == ABSENT ? null : state, calls.get(entry.id));
          if (next != REFUSED) {
            BitSet after = (BitSet) linearized.clone();
            after.set(entry.id);
            Object nextState = next == null ? ABSENT : next;
            if (seen.add(new Seen(after, nextState))) {
              stack.add(new Frame(entry, state));
              state = nextState;
              linearized = after;
              lift(entry);
              entry = head.next;
              continue;
            }
          }
          entry = entry.next;
        } else {
          if (stack.size() >= bestDepth) {
            bestDepth = stack.size();
            culprit = entry.id;
          }
          if (stack.isEmpty()) {
            return Outcome.NOT_LINEARIZABLE;
          }
          Frame top = stack.remove(stack.size() - 1);
          state = top.state();
          linearized = (BitSet) linearized.clone();
          linearized.clear(top.call().id);
          unlift(top.call());
          entry = top.call().next;
        }
      }
      return Outcome.LINEARIZABLE;
    }

    private static void lift(Event call) {
      call.prev.next = call.next;
      if (call.next != null) {
        call.next.prev = call.prev;
      }
      Event ret = call.match;
      ret.prev.next = ret.next;
      if (ret.next != null) {
        ret.next.prev = ret.prev;
      }
    }

    private static void unlift(Event call) {
      Event ret = call.match;
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
      call.prev.next = call;
      if (call.next != null) {
        call.next.prev = call;
      }
    }
  }

  // ---- naming what went wrong ---------------------------------------------------------------

  /**
   * Names the anomaly around the operation the search could not place: a read of a value no
   * operation wrote is a {@code phantom-read}; a read of a value that a later, completed write
   * had replaced before the read began is a {@code stale-read}; anything else is
   * {@code nonlinearizable}.
   */
  static Anomaly explain(String key, List<Call> calls, Call culprit) {
    List<String> evidence = new ArrayList<>();
    if (culprit != null && "read".equals(culprit.f()) && culprit.ok()) {
      Long v = culprit.completion().value();
      List<Call> writers = calls.stream().filter(c -> writes(c, v)).toList();
      evidence.add(culprit.invoke().describe());
      evidence.add(culprit.completion().describe());
      if (v != null && writers.isEmpty()) {
        return new Anomaly("phantom-read", "key " + key + ": read " + v
            + ", which no operation wrote", evidence);
      }
      long lastWriterReturn = writers.stream().mapToLong(Call::returnIndex).max()
          .orElse(-1); // -1: the initial absence
      for (Call b : calls) {
        if (b.ok() && mutates(b) && !Objects.equals(b.invoke().value(), v)
            && b.returnIndex() < culprit.invoke().index()
            && lastWriterReturn < b.invoke().index()) {
          writers.forEach(w -> evidence.add(w.invoke().describe()));
          evidence.add(b.invoke().describe());
          evidence.add(b.completion().describe());
          return new Anomaly("stale-read", "key " + key + ": read " + (v == null ? "nil" : v)
              + " after " + b.invoke().value() + " had replaced it", evidence);
        }
      }
    }
    if (culprit != null && evidence.isEmpty()) {
      evidence.add(culprit.invoke().describe());
      if (culprit.completion() != null) {
        evidence.add(culprit.completion().describe());
      }
    }
    return new Anomaly("nonlinearizable", "key " + key + ": no order of the operations explains"
        + " the results; the search stopped at the operation below", evidence);
  }

  /** A completed read of a value that no operation could have written, or null. */
  private static Call phantomRead(List<Call> calls) {
    Set<Long> written = new HashSet<>();
    calls.stream().filter(RegisterChecker::mutates).forEach(c -> written.add(c.invoke().value()));
    return calls.stream().filter(c -> "read".equals(c.f()) && c.ok())
        .filter(c -> c.completion().value() != null && !written.contains(c.completion().value()))
        .findFirst().orElse(null);
  }

  /** Whether the call, if it took effect, set the register to {@code v}. */
  private static boolean writes(Call c, Long v) {
    return mutates(c) && Objects.equals(c.invoke().value(), v);
  }

  private static boolean mutates(Call c) {
    return switch (c.f()) {
      case "write" -> true;
      case "cas" -> !c.ok() || Boolean.TRUE.equals(c.completion().succeeded());
      default -> false;
    };
  }
}
