package dev.keelson.chaos.check;

import dev.keelson.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;

/** Builds hand-made histories for checker tests: one line per call, indexes in call order. */
final class Hist {
  final List<Op> ops = new ArrayList<>();

  private Hist add(int p, Op.Type type, String f, String key, Long value, Long expected,
      Boolean succeeded, List<Long> elements) {
    int i = ops.size();
    ops.add(new Op(i, p, type, f, key, value, expected, succeeded, elements, i * 1000L, null,
        type == Op.Type.FAIL || type == Op.Type.INFO ? "timeout" : null));
    return this;
  }

  Hist invoke(int p, String f, String key, Long value) {
    return add(p, Op.Type.INVOKE, f, key, value, null, null, null);
  }

  Hist invokeCas(int p, String key, Long expected, Long value) {
    return add(p, Op.Type.INVOKE, "cas", key, value, expected, null, null);
  }

  /** Completes p's call; reads pass the value read. */
  Hist ok(int p, String f, String key, Long value) {
    return add(p, Op.Type.OK, f, key, value, null, null, null);
  }

  Hist okCas(int p, String key, Long expected, Long value, boolean succeeded) {
    return add(p, Op.Type.OK, "cas", key, value, expected, succeeded, null);
  }

  Hist okRead(int p, String key, List<Long> elements) {
    return add(p, Op.Type.OK, "read-all", key, null, null, null, elements);
  }

  Hist fail(int p, String f, String key, Long value) {
    return add(p, Op.Type.FAIL, f, key, value, null, null, null);
  }

  Hist info(int p, String f, String key, Long value) {
    return add(p, Op.Type.INFO, f, key, value, null, null, null);
  }

  /** A whole write or read by p with nothing overlapping it. */
  Hist write(int p, String key, long v) {
    return invoke(p, "write", key, v).ok(p, "write", key, v);
  }

  Hist read(int p, String key, Long v) {
    return invoke(p, "read", key, null).ok(p, "read", key, v);
  }
}
