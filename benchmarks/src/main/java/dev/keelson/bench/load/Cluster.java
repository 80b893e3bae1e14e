package dev.keelson.bench.load;

import dev.keelson.bench.watch.Channels;
import dev.keelson.etcd.etcdserverpb.MaintenanceGrpc;
import dev.keelson.etcd.etcdserverpb.StatusRequest;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servers of a run, as the etcd v3 API shows them: which endpoint is the leader
 * (Maintenance.Status answers {@code header.member_id == leader} there), and the connections
 * the clients use.
 */
final class Cluster {
  private final List<Member> members;

  /**
   * One endpoint's Status answer.
   *
   * @param leader whether this member is the leader
   */
  record Member(String endpoint, long id, boolean leader, String version) {}

  private Cluster(List<Member> members) {
    this.members = List.copyOf(members);
  }

  /** Asks every endpoint for its Status; fails if one does not answer. */
  static Cluster discover(List<String> endpoints) throws InterruptedException {
    List<Member> members = new ArrayList<>();
    for (String e : endpoints) {
      ManagedChannel c = open(e);
      try {
        StatusResponse st = MaintenanceGrpc.newBlockingStub(c)
            .withDeadlineAfter(10, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
        long id = st.getHeader().getMemberId();
        members.add(new Member(e, id, st.getLeader() != 0 && st.getLeader() == id,
            st.getVersion()));
      } catch (RuntimeException ex) {
        throw new IllegalStateException("Maintenance.Status on " + e + " failed: " + ex, ex);
      } finally {
        Channels.closeAll(List.of(c));
      }
    }
    return new Cluster(members);
  }

  List<Member> members() {
    return members;
  }

  /** The version the first endpoint reports. */
  String version() {
    return members.get(0).version();
  }

  /** Fails unless {@code role} is leader, follower or all. */
  static void checkRole(String role) {
    if (!List.of("leader", "follower", "all").contains(role)) {
      throw new IllegalArgumentException("target must be leader, follower or all, got " + role);
    }
  }

  /**
   * The endpoints a role selects: {@code leader} (the one leader), {@code follower} (every
   * other member), {@code all}.
   */
  List<String> endpoints(String role) {
    checkRole(role);
    List<String> out = new ArrayList<>();
    for (Member m : members) {
      boolean take = switch (role) {
        case "leader" -> m.leader();
        case "follower" -> !m.leader();
        default -> true;
      };
      if (take) {
        out.add(m.endpoint());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no " + role + " among " + members);
    }
    return out;
  }

  /**
   * A connection of its own (one HTTP/2 connection per channel). Responses are handled on the
   * transport thread: the callbacks only record and send the next request, and this keeps the
   * client's share of the CPU small next to the servers'. No transparent retries: a request
   * the server refused counts as an error, and the calls cost less.
   */
  static ManagedChannel open(String endpoint) {
    return Channels.builder(endpoint).directExecutor().disableRetry()
        .maxInboundMessageSize(64 << 20).build();
  }

  /**
   * Opens {@code n} connections spread round-robin over {@code endpoints} and makes each
   * connect now (a serializable read), so that no measurement includes connecting.
   */
  static List<ManagedChannel> connect(List<String> endpoints, int n) {
    List<ManagedChannel> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ManagedChannel c = open(endpoints.get(i % endpoints.size()));
      out.add(c);
      Channels.connect(c);
    }
    return out;
  }
}
