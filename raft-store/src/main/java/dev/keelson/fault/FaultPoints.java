package dev.keelson.fault;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Named fault points: deliberate bugs that only a test switches on, to show that the chaos
 * harness catches them. Off unless the system property {@value #PROPERTY} names them
 * (comma-separated); when it is unset every check is one read of an empty set.
 */
public final class FaultPoints {
  public static final String PROPERTY = "keelson.faults";

  /** Acknowledge one put in {@link #LOSE_ACKED_PUT_EVERY} without ever proposing it. */
  public static final String LOSE_ACKED_PUT = "lose-acked-put";
  public static final int LOSE_ACKED_PUT_EVERY = 50;

  /** Skip one live watch response in {@link #DROP_WATCH_EVENT_EVERY}, as if it was sent. */
  public static final String DROP_WATCH_EVENT = "drop-watch-event";
  public static final int DROP_WATCH_EVENT_EVERY = 500;

  private static final Set<String> ENABLED = Arrays.stream(
      System.getProperty(PROPERTY, "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
      .collect(Collectors.toUnmodifiableSet());
  private static final ConcurrentHashMap<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private FaultPoints() {}

  public static boolean enabled(String name) {
    return ENABLED.contains(name);
  }

  /** True on every {@code n}th pass when the fault is enabled; never otherwise. */
  public static boolean every(String name, int n) {
    return enabled(name) && COUNTS.computeIfAbsent(name, k -> new AtomicLong())
        .incrementAndGet() % n == 0;
  }
}
