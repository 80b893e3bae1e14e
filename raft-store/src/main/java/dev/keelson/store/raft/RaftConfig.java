package dev.keelson.store.raft;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * How one master joins the cluster. Election timeouts default to 1–2 s, etcd's own default
 * election timeout, rather than Ratis' 150–300 ms: three JVMs on two busy cores see GC and
 * scheduling pauses of hundreds of milliseconds, and shorter timeouts cause election storms.
 *
 * @param id this master's peer id (one of {@code peers})
 * @param peers every member: id, Raft address (host:port), etcd client address (host:port)
 * @param snapshotThreshold applied entries between automatic snapshots
 * @param logPreserveEntries log entries kept behind a snapshot for followers that lag a little
 * @param peerTls this master's peer certificate and the cluster CA: Raft traffic is then mutual
 *     TLS, every member presenting a certificate the CA signed; null for plaintext
 */
public record RaftConfig(String id, List<Peer> peers, Path dataDir, String clusterToken,
    int electionTimeoutMinMs, int electionTimeoutMaxMs, long snapshotThreshold,
    long logPreserveEntries, long logSegmentBytes, int clientRetries, TlsFiles peerTls) {

  public record Peer(String id, String raftAddress, String clientAddress) {
    public Peer {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("peer id is empty");
      }
    }
  }

  public RaftConfig {
    peers = List.copyOf(peers);
    if (peers.stream().noneMatch(p -> p.id().equals(id))) {
      throw new IllegalArgumentException("--id " + id + " is not one of the peers " + peers);
    }
    if (electionTimeoutMinMs <= 0 || electionTimeoutMaxMs < electionTimeoutMinMs) {
      throw new IllegalArgumentException("election timeouts must satisfy 0 < min <= max");
    }
  }

  /** Defaults for everything but identity and placement. */
  public static RaftConfig of(String id, List<Peer> peers, Path dataDir, String clusterToken) {
    return new RaftConfig(id, peers, dataDir, clusterToken, 1000, 2000, 10_000, 5_000,
        32L << 20, 100, null);
  }

  public RaftConfig withSnapshots(long threshold, long preserve, long segmentBytes) {
    return new RaftConfig(id, peers, dataDir, clusterToken, electionTimeoutMinMs,
        electionTimeoutMaxMs, threshold, preserve, segmentBytes, clientRetries, peerTls);
  }

  /** The same member, with other election timeouts (heartbeats go at half the minimum). */
  public RaftConfig withElectionTimeouts(int minMs, int maxMs) {
    return new RaftConfig(id, peers, dataDir, clusterToken, minMs, maxMs, snapshotThreshold,
        logPreserveEntries, logSegmentBytes, clientRetries, peerTls);
  }

  /** The same member, with Raft traffic over mutual TLS. */
  public RaftConfig withPeerTls(TlsFiles tls) {
    return new RaftConfig(id, peers, dataDir, clusterToken, electionTimeoutMinMs,
        electionTimeoutMaxMs, snapshotThreshold, logPreserveEntries, logSegmentBytes,
        clientRetries, tls);
  }

  public Peer self() {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /** etcd-style 64-bit member id, stable for a peer id within a cluster token. */
  public long memberId(String peerId) {
    return hash64("member:" + clusterToken + ":" + peerId);
  }

  public long clusterId() {
    return hash64("cluster:" + clusterToken);
  }

  private static long hash64(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (d[i] & 0xFF);
      }
      return v == 0 ? 1 : v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
