package dev.keelson.server.testing;

import static org.awaitility.Awaitility.await;

import dev.keelson.etcd.etcdserverpb.HashKVRequest;
import dev.keelson.etcd.etcdserverpb.StatusResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** A three-master Keelson cluster under test, in-process or as separate OS processes. */
public interface Cluster extends AutoCloseable {
  int size();

  /** host:port of master i's etcd endpoint (i from 0). */
  String endpoint(int i);

  /** A client for master i; owned by the cluster, closed with it. */
  EtcdClient client(int i);

  void stop(int i) throws Exception;

  void start(int i) throws Exception;

  boolean isRunning(int i);

  /**
   * The client certificate and CA that etcd clients of this cluster present over TLS, or null
   * when its etcd API is plaintext.
   */
  default dev.keelson.store.raft.TlsFiles clientTls() {
    return null;
  }

  /** A new raw client of master {@code i}, over TLS when the cluster uses it. */
  default EtcdClient newClient(int i) {
    return new EtcdClient(endpoint(i), clientTls());
  }

  /** etcdctl against {@code endpoints}, with the client certificate when the cluster uses TLS. */
  default Etcdctl etcdctl(String endpoints) {
    return new Etcdctl(endpoints, clientTls());
  }

  default List<String> endpoints() {
    return java.util.stream.IntStream.range(0, size()).mapToObj(this::endpoint).toList();
  }

  default String endpointsCsv() {
    return String.join(",", endpoints());
  }

  /** Index of the master that every running master agrees leads, if they agree. */
  default Optional<Integer> leader() {
    Long leaderId = null;
    int leaderIndex = -1;
    for (int i = 0; i < size(); i++) {
      if (!isRunning(i)) {
        continue;
      }
      StatusResponse s;
      try {
        s = client(i).status();
      } catch (RuntimeException e) {
        return Optional.empty();
      }
      if (s.getLeader() == 0 || (leaderId != null && leaderId != s.getLeader())) {
        return Optional.empty();
      }
      leaderId = s.getLeader();
      if (s.getHeader().getMemberId() == s.getLeader()) {
        leaderIndex = i;
      }
    }
    return leaderIndex < 0 ? Optional.empty() : Optional.of(leaderIndex);
  }

  /** The revision every running master reports, if they all report the same one. */
  default OptionalLong commonRevision() {
    Set<Long> revs = new HashSet<>();
    for (int i = 0; i < size(); i++) {
      try {
        revs.add(client(i).status().getHeader().getRevision());
      } catch (RuntimeException e) {
        return OptionalLong.empty();
      }
    }
    return revs.size() == 1
        ? OptionalLong.of(revs.iterator().next()) : OptionalLong.empty();
  }

  /** Waits until every master reports the same revision, at least {@code atLeast}; returns it. */
  default long awaitSameRevision(long atLeast) {
    return await("every master at the same revision >= " + atLeast)
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(this::commonRevision, r -> r.isPresent() && r.getAsLong() >= atLeast)
        .getAsLong();
  }

  /** The distinct HashKV values the masters report at {@code revision}. */
  default Set<Integer> hashesAt(long revision) {
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i < size(); i++) {
      out.add(client(i).maintenance().hashKV(
          HashKVRequest.newBuilder().setRevision(revision).build())
          .getHash());
    }
    return out;
  }

  default int awaitLeader(Duration bound) {
    return await("a leader all running masters agree on").atMost(bound)
        .pollInterval(Duration.ofMillis(200)).until(this::leader, Optional::isPresent).get();
  }
}
