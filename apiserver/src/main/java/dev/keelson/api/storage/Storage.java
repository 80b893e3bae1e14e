package dev.keelson.api.storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated store as the Kubernetes API sees it: objects under string keys, each write
 * conditional on what the writer read, every answer stamped with the store's revision. Futures
 * fail with {@link StorageException}.
 */
public interface Storage {
  /**
   * The object under {@code key}, or null. {@code quorum}: a linearizable read (sees every write
   * acknowledged before it); otherwise this master's state, which may lag.
   */
  CompletableFuture<Stored> get(String key, boolean quorum);

  /**
   * Objects with keys starting with {@code prefix}, from {@code fromKey} (inclusive; null = the
   * prefix start), at most {@code limit} of them (0 = all), at {@code revision} (0 = latest;
   * fails COMPACTED below the compaction, TOO_NEW above the head).
   */
  CompletableFuture<Page> list(String prefix, String fromKey, long limit, long revision,
      boolean quorum);

  /** Creates {@code key}; fails EXISTS if it is there. */
  CompletableFuture<Stored> create(String key, byte[] value);

  /**
   * A write made in the same transaction as another: {@code key} becomes {@code value} if its
   * revision is still {@code expectedRevision}.
   */
  record Companion(String key, byte[] value, long expectedRevision) {
  }

  /**
   * Creates {@code key} and makes every companion write, all in one transaction, or nothing:
   * fails EXISTS if {@code key} is there, else COMPANION_CHANGED (with the store's revision at
   * the refusal) if a companion's object changed or went.
   */
  CompletableFuture<Stored> create(String key, byte[] value, List<Companion> companions);

  /**
   * Replaces {@code key} if its revision is still {@code expectedRevision}; fails CONFLICT if it
   * changed (with the current revision), NOT_FOUND if it is gone.
   */
  CompletableFuture<Stored> update(String key, byte[] value, long expectedRevision);

  /**
   * Deletes {@code key} if its revision is still {@code expectedRevision}; returns the object as
   * it was, and the revision of the delete as its {@code modRevision}.
   */
  CompletableFuture<Stored> delete(String key, long expectedRevision);

  /** A linearizable read of the store's head revision. */
  CompletableFuture<Long> currentRevision();
}
