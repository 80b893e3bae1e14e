package dev.keelson.chaos.nemesis;

import dev.keelson.chaos.cluster.MasterProcess;
import dev.keelson.chaos.cluster.Net;
import dev.keelson.chaos.cluster.ProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults chosen and timed by a seeded random generator: a quiet spell, a fault (or two
 * at once) held for a while, its repair, and again. Every start and stop goes in the timeline.
 *
 * <p>Faults: {@code kill-leader} and {@code kill} (SIGKILL, restart at the end of the fault),
 * {@code pause} (SIGSTOP, SIGCONT), {@code partition} (the leader alone, a random minority, or
 * a bridge: one master linked to both others, which cannot reach each other) and
 * {@code restart-all} (SIGKILL every master, then start them all).
 */
public final class Nemesis {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);
  public static final List<String> KINDS =
      List.of("kill-leader", "kill", "pause", "partition", "restart-all");

  /** One line of the timeline: a fault starting or ending. */
  public record Event(long nanos, String fault, String phase, String detail) {}

  private final ProcessCluster cluster;
  private final Net net;
  private final List<String> kinds;
  private final Random rnd;
  private final LongSupplier clock;
  private final List<Event> timeline = new ArrayList<>();

  /** @param clock the history's clock, so the timeline and the history line up */
  public Nemesis(ProcessCluster cluster, Net net, List<String> kinds, long seed,
      LongSupplier clock) {
    for (String k : kinds) {
      if (!KINDS.contains(k)) {
        throw new IllegalArgumentException("unknown nemesis: " + k + " (" + KINDS + ")");
      }
    }
    this.cluster = cluster;
    this.net = net;
    this.kinds = List.copyOf(kinds);
    this.rnd = new Random(seed);
    this.clock = clock;
  }

  public synchronized List<Event> timeline() {
    return List.copyOf(timeline);
  }

  private synchronized void log(String fault, String phase, String detail) {
    timeline.add(new Event(clock.getAsLong(), fault, phase, detail));
    LOG.info("nemesis {} {} {}", fault, phase, detail);
  }

  /** Runs faults until {@code endNanos} on the clock, then repairs everything. */
  public void runUntil(long endNanos) throws InterruptedException {
    if (kinds.isEmpty()) {
      return;
    }
    while (true) {
      sleepUntil(Math.min(endNanos, clock.getAsLong() + millis(2_000, 5_000)));
      if (clock.getAsLong() >= endNanos) {
        break;
      }
      List<String> faults = pick();
      List<Runnable> repairs = new ArrayList<>();
      for (String fault : faults) {
        Runnable repair = start(fault, endNanos);
        if (repair != null) {
          repairs.add(repair);
        }
      }
      if (repairs.isEmpty()) {
        break; // choosing the target took us past the end
      }
      sleepUntil(Math.min(endNanos, clock.getAsLong() + millis(3_000, 8_000)));
      for (int i = repairs.size() - 1; i >= 0; i--) {
        repairs.get(i).run();
      }
    }
  }

  /**
   * One fault, or (one time in four, when two kinds can go together) two at once: a kill or a
   * pause during a partition, a kill of one master while another is paused. restart-all only
   * ever runs alone.
   */
  private List<String> pick() {
    List<String> combinable = kinds.stream().filter(k -> !k.equals("restart-all")).toList();
    boolean pair = combinable.stream().anyMatch(k -> !k.startsWith("kill"))
        && combinable.size() >= 2;
    if (pair && rnd.nextInt(4) == 0) {
      String a = combinable.get(rnd.nextInt(combinable.size()));
      String b;
      do {
        b = combinable.get(rnd.nextInt(combinable.size()));
      } while (b.equals(a) || (a.startsWith("kill") && b.startsWith("kill")));
      return List.of(a, b);
    }
    return List.of(kinds.get(rnd.nextInt(kinds.size())));
  }

  private long millis(int min, int max) {
    return Duration.ofMillis(min + rnd.nextInt(max - min)).toNanos();
  }

  private void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - clock.getAsLong();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the schedule's own pace
    }
  }

  private MasterProcess leaderOrAny() {
    return cluster.leader().orElseGet(() -> any());
  }

  private MasterProcess any() {
    return cluster.masters().get(rnd.nextInt(cluster.masters().size()));
  }

  /** Starts the fault unless it is past {@code endNanos}; returns what ends it, or null. */
  Runnable start(String fault, long endNanos) {
    switch (fault) {
      case "kill-leader", "kill" -> {
        MasterProcess m = fault.equals("kill") ? any() : leaderOrAny();
        if (clock.getAsLong() >= endNanos) {
          return null;
        }
        m.kill();
        log(fault, "start", m.id());
        return () -> {
          cluster.start(m);
          log(fault, "stop", m.id());
        };
      }
      case "pause" -> {
        MasterProcess m = rnd.nextBoolean() ? leaderOrAny() : any();
        if (clock.getAsLong() >= endNanos) {
          return null;
        }
        m.pause();
        log(fault, "start", m.id());
        return () -> {
          m.resume();
          log(fault, "stop", m.id());
        };
      }
      case "partition" -> {
        List<MasterProcess> all = new ArrayList<>(cluster.masters());
        int shape = rnd.nextInt(3);
        MasterProcess leader = shape == 0 ? leaderOrAny() : null;
        if (clock.getAsLong() >= endNanos) {
          return null;
        }
        String detail;
        if (shape == 2) {
          Collections.shuffle(all, rnd);
          net.cut(all.get(0), all.get(2));
          detail = "bridge " + all.get(1).id() + " (" + all.get(0).id() + " x " + all.get(2).id()
              + ")";
        } else {
          MasterProcess alone = shape == 0 ? leader : any();
          Set<MasterProcess> rest = new HashSet<>(all);
          rest.remove(alone);
          net.partition(List.of(Set.of(alone), rest));
          detail = (shape == 0 ? "leader " : "minority ") + alone.id() + " alone";
        }
        log(fault, "start", detail);
        return () -> {
          net.heal();
          log(fault, "stop", detail);
        };
      }
      case "restart-all" -> {
        cluster.masters().forEach(MasterProcess::kill);
        log(fault, "start", "all");
        return () -> {
          cluster.startAll();
          log(fault, "stop", "all");
        };
      }
      default -> throw new IllegalArgumentException(fault);
    }
  }

  /** Ends every fault: resumes, heals, starts whatever is down. */
  public void repairAll() {
    net.heal();
    for (MasterProcess m : cluster.masters()) {
      m.resume();
      if (!m.running()) {
        cluster.start(m);
      }
    }
    log("repair", "stop", "all");
  }
}
