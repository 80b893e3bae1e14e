package dev.keelson.store.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * Where snapshots live: {@code <dir>/<term>_<index>/} holds a RocksDB checkpoint of the store
 * at that applied (term, index). Ratis sends the newest one's files to a lagging follower and
 * replaces the follower's whole {@code <dir>} with what it received, so this directory holds
 * snapshots and nothing else.
 */
final class SnapshotStore implements StateMachineStorage {
  private static final Pattern NAME = Pattern.compile("(\\d+)_(\\d+)");
  private static final int KEEP = 2;
  private final Path dir;
  private volatile Cached cached;

  SnapshotStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    Files.createDirectories(dir);
  }

  Path pathFor(TermIndex ti) {
    return dir.resolve(ti.getTerm() + "_" + ti.getIndex());
  }

  /** The newest complete snapshot directory, if any. */
  Optional<Path> latestDir() {
    return listSnapshots().stream().max(Comparator.comparing(SnapshotStore::termIndexOf));
  }

  /**
   * The newest snapshot. Ratis asks for it on every apply round and every append to a
   * follower, so the answer is cached and read again only when the directory's modification
   * time changed (snapshots appear by rename, and go by delete, both of which change it); a
   * time less than a second old is not trusted, as a change within the same clock tick would
   * not show.
   */
  @Override
  public SnapshotInfo getLatestSnapshot() {
    FileTime stamp;
    try {
      stamp = Files.getLastModifiedTime(dir);
    } catch (IOException e) {
      return readLatest();
    }
    Cached c = cached;
    if (c != null && c.stamp().equals(stamp)) {
      return c.info();
    }
    SnapshotInfo info = readLatest();
    if (stamp.toMillis() < System.currentTimeMillis() - 1000) {
      cached = new Cached(stamp, info);
    }
    return info;
  }

  private record Cached(FileTime stamp, SnapshotInfo info) {}

  private SnapshotInfo readLatest() {
    return latestDir().map(p -> {
      List<FileInfo> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(p)) {
        s.filter(Files::isRegularFile).sorted().forEach(f -> files.add(new FileInfo(f, null)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return (SnapshotInfo) new FileListSnapshotInfo(files, termIndexOf(p));
    }).orElse(null);
  }

  private List<Path> listSnapshots() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TermIndex termIndexOf(Path snapshotDir) {
    Matcher m = NAME.matcher(snapshotDir.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a snapshot directory: " + snapshotDir);
    }
    return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }

  /** Deletes all but the newest {@value #KEEP} snapshots. */
  void prune() throws IOException {
    List<Path> all = new ArrayList<>(listSnapshots());
    all.sort(Comparator.comparing(SnapshotStore::termIndexOf));
    for (int i = 0; i < all.size() - KEEP; i++) {
      deleteTree(all.get(i));
    }
  }

  @Override
  public void format() throws IOException {
    deleteTree(dir);
    Files.createDirectories(dir);
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
    // each new snapshot prunes the old ones itself; Ratis calls this after every request
  }

  @Override
  public java.io.File getSnapshotDir() {
    return dir.toFile();
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
