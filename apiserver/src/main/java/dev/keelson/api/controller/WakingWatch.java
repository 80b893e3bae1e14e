package dev.keelson.api.controller;

import dev.keelson.api.cache.CacheWatcher;
import dev.keelson.api.cache.WatchCache;

/**
 * A watch on a key prefix of the watch cache whose events only wake a controller loop, for
 * controllers whose passes read the cache whole. {@link #drain()}, called at the start of each
 * pass, opens the watch if it is not open (the cache may be reloading: the next pass tries
 * again) and drops the events that woke the loop.
 */
public final class WakingWatch implements AutoCloseable {
  private final WatchCache cache;
  private final String prefix;
  private final ControllerLoop loop;
  private CacheWatcher watcher;

  public WakingWatch(WatchCache cache, String prefix, ControllerLoop loop) {
    this.cache = cache;
    this.prefix = prefix;
    this.loop = loop;
  }

  public void drain() {
    if (watcher == null || watcher.closed()) {
      try {
        watcher = cache.watch(prefix, o -> true, 0, 1_000, loop::wake);
      } catch (WatchCache.TooOldException e) {
        watcher = null;
        return;
      }
    }
    while (!watcher.poll(1_000).isEmpty()) {
      // dropped: the pass reads the cache whole
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
