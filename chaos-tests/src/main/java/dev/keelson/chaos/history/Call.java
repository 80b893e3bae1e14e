package dev.keelson.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An operation with its two lines: the invocation and its completion. An operation still open
 * when the history ends counts as {@link Op.Type#INFO}: its outcome is unknown.
 *
 * @param invoke the invocation
 * @param completion the ok, fail or info line; null if the history ended first
 */
public record Call(Op invoke, Op completion) {
  public Call {
    if (!invoke.isInvoke()) {
      throw new IllegalArgumentException("not an invocation: " + invoke.describe());
    }
    if (completion != null && (completion.isInvoke() || completion.process() != invoke.process()
        || completion.index() <= invoke.index())) {
      throw new IllegalArgumentException("not the completion of " + invoke.describe() + ": "
          + completion.describe());
    }
  }

  /** How it ended; an open call is {@link Op.Type#INFO}. */
  public Op.Type outcome() {
    return completion == null ? Op.Type.INFO : completion.type();
  }

  public boolean ok() {
    return outcome() == Op.Type.OK;
  }

  /** History index of the completion, or {@link Long#MAX_VALUE} when the outcome is unknown. */
  public long returnIndex() {
    return outcome() == Op.Type.INFO ? Long.MAX_VALUE : completion.index();
  }

  public String f() {
    return invoke.f();
  }

  public String key() {
    return invoke.key();
  }

  /**
   * Pairs each invocation with the next line of the same process.
   *
   * @throws IllegalArgumentException when a process invokes twice without completing, or
   *     completes what it never invoked
   */
  public static List<Call> pair(List<Op> history) {
    Map<Integer, Op> open = new HashMap<>();
    List<Call> calls = new ArrayList<>();
    Map<Op, Integer> position = new HashMap<>();
    for (Op op : history) {
      if (op.isInvoke()) {
        Op previous = open.put(op.process(), op);
        if (previous != null) {
          throw new IllegalArgumentException("process " + op.process()
              + " invoked again before completing: " + previous.describe());
        }
        position.put(op, calls.size());
        calls.add(null);
      } else {
        Op invoke = open.remove(op.process());
        if (invoke == null) {
          throw new IllegalArgumentException("completion without invocation: " + op.describe());
        }
        calls.set(position.get(invoke), new Call(invoke, op));
      }
    }
    for (Op invoke : open.values()) {
      calls.set(position.get(invoke), new Call(invoke, null));
    }
    return calls;
  }
}
