package dev.keelson.admission;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One request's pass through the mutating plugins, as Kubernetes' reinvocation context: the
 * chain runs every mutating plugin once and, if a plugin asked for it during that round, runs
 * them all once more (never a third time). Plugins keep what they need between the two rounds
 * in {@link #state}. One instance per request, used by the one thread admitting it.
 */
public final class Reinvocation {
  private final Map<Object, Object> states = new HashMap<>();
  private boolean requested;
  private boolean reinvoking;

  /** True in the second round. */
  public boolean isReinvocation() {
    return reinvoking;
  }

  /**
   * Asks for a second round (a plugin changed the object after a plugin that wants to see such
   * changes ran). Has no effect in the second round.
   */
  public void requestReinvocation() {
    requested = true;
  }

  /** The state {@code owner} keeps for this request, created by {@code initial} on first use. */
  @SuppressWarnings("unchecked")
  public <T> T state(Object owner, Supplier<T> initial) {
    return (T) states.computeIfAbsent(owner, o -> initial.get());
  }

  /** Whether the chain should run a second round now: asked for, and not yet begun. */
  boolean shouldReinvoke() {
    return requested && !reinvoking;
  }

  void beginReinvocation() {
    reinvoking = true;
  }
}
