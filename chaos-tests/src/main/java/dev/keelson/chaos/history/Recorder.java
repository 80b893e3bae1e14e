package dev.keelson.chaos.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects a run's history from many client threads: each line gets the next index and the
 * time it was recorded, so the history's order is the order lines were recorded in, which for
 * one process is the order it ran them.
 */
public final class Recorder {
  private final long origin;
  private final List<Op> ops = new ArrayList<>();

  public Recorder() {
    this.origin = System.nanoTime();
  }

  /** A recorder on the same clock as {@code other}, so that their times compare. */
  public Recorder(Recorder other) {
    this.origin = other.origin;
  }

  /** Nanoseconds since this recorder was made. */
  public long now() {
    return System.nanoTime() - origin;
  }

  /** Appends the line with its index and time filled in, and returns it. */
  public synchronized Op record(int process, Op.Type type, String f, String key, Long value,
      Long expected, Boolean succeeded, List<Long> elements, Long revision, String error) {
    Op op = new Op(ops.size(), process, type, f, key, value, expected, succeeded, elements, now(),
        revision, error);
    ops.add(op);
    return op;
  }

  public synchronized List<Op> history() {
    return List.copyOf(ops);
  }

  public synchronized int size() {
    return ops.size();
  }

  /** A copy of the lines recorded from {@code from} on. */
  public synchronized List<Op> since(int from) {
    return new ArrayList<>(ops.subList(Math.min(from, ops.size()), ops.size()));
  }
}
