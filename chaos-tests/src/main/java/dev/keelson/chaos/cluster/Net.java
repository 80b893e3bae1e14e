package dev.keelson.chaos.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cuts and heals the links between masters with iptables, in a chain of our own that nothing
 * else touches ({@value #CHAIN}, jumped to from OUTPUT).
 *
 * <p>Masters on one machine talk over loopback, and a master's outgoing connections leave from
 * 127.0.0.1 whatever address it listens on, so a rule on addresses alone cannot tell which
 * master sent a packet. Each master therefore runs in its own cgroup (v2), and a cut from A to B
 * drops what A's sockets send to B's address; cutting both directions stops new connections
 * and stalls the open ones. Clients of the harness live in no master's cgroup and are never cut.
 *
 * <p>{@link #install} first removes whatever an earlier, interrupted run left; {@link #remove}
 * takes everything away again.
 */
public final class Net {
  public static final String CHAIN = "KEELSON-CHAOS";
  private final String iptables;

  private Net(String iptables) {
    this.iptables = iptables;
  }

  /** Why iptables with cgroup matching cannot be used here, or empty when it can. */
  public static Optional<String> unavailable() {
    if (Cgroups.root().isEmpty()) {
      return Optional.of("no cgroup v2 hierarchy is mounted (see /proc/mounts)");
    }
    Shell.Result r = Shell.run(List.of("iptables", "-w", "-S", "OUTPUT"));
    if (!r.ok()) {
      return Optional.of("iptables does not work here (need root and the iptables package): "
          + r.output());
    }
    return Optional.empty();
  }

  public static Net create() {
    return new Net("iptables");
  }

  private Shell.Result ipt(String... args) {
    List<String> cmd = new ArrayList<>(List.of(iptables, "-w"));
    cmd.addAll(List.of(args));
    return Shell.run(cmd);
  }

  /** Removes leftovers, then creates the empty chain and hooks it into OUTPUT. */
  public void install() {
    remove();
    Shell.check(List.of(iptables, "-w", "-N", CHAIN));
    Shell.check(List.of(iptables, "-w", "-I", "OUTPUT", "1", "-j", CHAIN));
  }

  /** Drops everything {@code from}'s sockets send to {@code to}'s address. */
  public void cutOneWay(MasterProcess from, MasterProcess to) {
    Shell.check(List.of(iptables, "-w", "-A", CHAIN, "-m", "cgroup", "--path", from.cgroupPath(),
        "-d", to.host() + "/32", "-j", "DROP"));
  }

  /** Cuts every link between a master of one group and a master of another. */
  public void partition(Collection<? extends Set<MasterProcess>> groups) {
    for (Set<MasterProcess> a : groups) {
      for (Set<MasterProcess> b : groups) {
        if (a != b) {
          for (MasterProcess x : a) {
            for (MasterProcess y : b) {
              if (!b.contains(x)) {
                cutOneWay(x, y);
              }
            }
          }
        }
      }
    }
  }

  /** Cuts the link between two masters, both ways. */
  public void cut(MasterProcess a, MasterProcess b) {
    cutOneWay(a, b);
    cutOneWay(b, a);
  }

  /** Heals every cut. */
  public void heal() {
    ipt("-F", CHAIN);
  }

  /** The chain's rules, as {@code iptables -S} prints them; empty when there is no chain. */
  public List<String> rules() {
    Shell.Result r = ipt("-S", CHAIN);
    return r.ok() ? r.output().lines().filter(l -> l.startsWith("-A")).toList() : List.of();
  }

  /** Whether the chain or the jump to it exists (after {@link #remove}: never). */
  public static boolean leftOver() {
    return Shell.run(List.of("iptables", "-w", "-S", CHAIN)).ok()
        || Shell.run(List.of("iptables", "-w", "-S", "OUTPUT")).output().contains(CHAIN);
  }

  /** Unhooks, flushes and deletes the chain; harmless when it is not there. */
  public void remove() {
    for (int i = 0; i < 100 && ipt("-D", "OUTPUT", "-j", CHAIN).ok(); i++) {
      // an interrupted run may have hooked it more than once
    }
    ipt("-F", CHAIN);
    ipt("-X", CHAIN);
  }

  /** The cgroup v2 hierarchy the masters' groups are made in, if one is mounted writable. */
  public static Optional<Path> cgroupRoot() {
    return Cgroups.root();
  }

  static final class Cgroups {
    private Cgroups() {}

    static Optional<Path> root() {
      try {
        return Files.readAllLines(Path.of("/proc/mounts")).stream()
            .map(l -> l.split(" "))
            .filter(f -> f.length > 2 && f[2].equals("cgroup2"))
            .map(f -> Path.of(f[1]))
            .filter(Files::isWritable)
            .findFirst();
      } catch (java.io.IOException e) {
        return Optional.empty();
      }
    }
  }
}
