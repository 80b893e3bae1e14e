package dev.keelson.watch;

import java.time.Duration;

/**
 * The bounds and timings of one master's watch hub. Every bound is a hard limit on memory or
 * on work done while holding the hub lock; the defaults follow etcd 3.4 where etcd has a number.
 *
 * @param windowMaxEvents events kept in memory for catch-up (the newest revisions)
 * @param windowMaxBytes serialized bytes kept in memory for catch-up
 * @param queueMaxResponses responses queued on one stream before its watchers fall behind
 * @param queueMaxBytes event bytes queued on one stream before its watchers fall behind
 * @param maxRevisionsPerResponse revisions one catch-up response may carry (etcd: 1000)
 * @param maxResponseBytes a catch-up response stops growing after the revision that reaches this
 * @param storeBatchEvents events read from the store's change log in one catch-up step
 * @param maxWatchersPerSync unsynced watchers served in one catch-up step (etcd: 512)
 * @param syncInterval how often the catch-up loop runs when nothing wakes it (etcd: 100 ms)
 * @param progressNotifyInterval period of progress responses to idle progress_notify watchers
 *     (etcd: 10 min)
 * @param fragmentBytes responses at least this large are split for watchers that asked for
 *     fragments (etcd: max request bytes + 512 KiB of gRPC overhead = 2 MiB)
 * @param sendThreads threads that write queued responses to gRPC streams
 */
public record WatchConfig(
    int windowMaxEvents,
    long windowMaxBytes,
    int queueMaxResponses,
    long queueMaxBytes,
    int maxRevisionsPerResponse,
    long maxResponseBytes,
    int storeBatchEvents,
    int maxWatchersPerSync,
    Duration syncInterval,
    Duration progressNotifyInterval,
    int fragmentBytes,
    int sendThreads) {

  public static final int MIB = 1024 * 1024;

  public WatchConfig {
    positive(windowMaxEvents, "windowMaxEvents");
    positive(windowMaxBytes, "windowMaxBytes");
    if (queueMaxResponses < 2) {
      throw new IllegalArgumentException("queueMaxResponses must be at least 2");
    }
    positive(queueMaxBytes, "queueMaxBytes");
    positive(maxRevisionsPerResponse, "maxRevisionsPerResponse");
    positive(maxResponseBytes, "maxResponseBytes");
    positive(storeBatchEvents, "storeBatchEvents");
    positive(maxWatchersPerSync, "maxWatchersPerSync");
    positive(syncInterval.toMillis(), "syncInterval");
    positive(progressNotifyInterval.toMillis(), "progressNotifyInterval");
    positive(fragmentBytes, "fragmentBytes");
    positive(sendThreads, "sendThreads");
  }

  public static WatchConfig defaults() {
    return new WatchConfig(10_000, 32L * MIB, 1024, 4L * MIB, 1000, 2L * MIB, 1000, 512,
        Duration.ofMillis(100), Duration.ofMinutes(10), 2 * MIB, 2);
  }

  public WatchConfig withProgressNotifyInterval(Duration interval) {
    return new WatchConfig(windowMaxEvents, windowMaxBytes, queueMaxResponses, queueMaxBytes,
        maxRevisionsPerResponse, maxResponseBytes, storeBatchEvents, maxWatchersPerSync,
        syncInterval, interval, fragmentBytes, sendThreads);
  }

  public WatchConfig withWindow(int maxEvents, long maxBytes) {
    return new WatchConfig(maxEvents, maxBytes, queueMaxResponses, queueMaxBytes,
        maxRevisionsPerResponse, maxResponseBytes, storeBatchEvents, maxWatchersPerSync,
        syncInterval, progressNotifyInterval, fragmentBytes, sendThreads);
  }

  public WatchConfig withQueue(int maxResponses, long maxBytes) {
    return new WatchConfig(windowMaxEvents, windowMaxBytes, maxResponses, maxBytes,
        maxRevisionsPerResponse, maxResponseBytes, storeBatchEvents, maxWatchersPerSync,
        syncInterval, progressNotifyInterval, fragmentBytes, sendThreads);
  }

  public WatchConfig withCatchUp(int maxRevisions, long maxBytes, int storeBatch) {
    return new WatchConfig(windowMaxEvents, windowMaxBytes, queueMaxResponses, queueMaxBytes,
        maxRevisions, maxBytes, storeBatch, maxWatchersPerSync, syncInterval,
        progressNotifyInterval, fragmentBytes, sendThreads);
  }

  private static void positive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }
}
