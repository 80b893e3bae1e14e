package dev.keelson.bench.memory;

/**
 * What a server process held at one moment.
 *
 * @param heapBytes live memory after a full collection: the JVM's reachable objects, or Go's
 *     HeapAlloc right after runtime.GC() plus its goroutine stacks; -1 if unknown
 * @param rssBytes resident set size from {@code /proc/<pid>/status} (VmRSS); -1 if unknown
 * @param histogram the JVM's live objects by class, or null
 */
public record MemorySample(long heapBytes, long rssBytes, ClassHistogram histogram) {
  public static final MemorySample NONE = new MemorySample(-1, -1, null);
}
