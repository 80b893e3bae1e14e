package dev.keelson.store.mvcc;

/**
 * A lease as the replicated state knows it: its id, granted TTL in seconds, and the Raft index
 * of its grant or latest renewal (the countdown every master restarts when it applies that).
 */
public record StoredLease(long id, long ttl, long renewedIndex) {}
