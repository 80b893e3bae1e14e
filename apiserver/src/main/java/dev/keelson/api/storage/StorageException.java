package dev.keelson.api.storage;

/** Why the store refused a request; the REST layer maps each reason to a Kubernetes Status. */
public final class StorageException extends RuntimeException {
  /** What went wrong. */
  public enum Reason {
    /** No object under the key. */
    NOT_FOUND,
    /** Create of a key that exists. */
    EXISTS,
    /** The object's revision is not the one the request was based on. */
    CONFLICT,
    /**
     * An object a companion write depends on changed ({@link #revision} is the store's revision
     * when the write was refused).
     */
    COMPANION_CHANGED,
    /** The revision asked for was compacted away ({@link #revision} is the compaction). */
    COMPACTED,
    /** The revision asked for is newer than the store's. */
    TOO_NEW,
    /** No quorum, no leader, or the request timed out: it may or may not have happened. */
    UNAVAILABLE
  }

  private final Reason reason;
  private final long revision;

  public StorageException(Reason reason, String message, long revision) {
    super(message);
    this.reason = reason;
    this.revision = revision;
  }

  public StorageException(Reason reason, String message) {
    this(reason, message, 0);
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The current object's revision on CONFLICT, the store's on COMPANION_CHANGED, the compaction
   * revision on COMPACTED.
   */
  public long revision() {
    return revision;
  }
}
