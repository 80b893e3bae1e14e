package dev.keelson.bench.memory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A non-JVM server (etcd): its resident set (VmRSS) and, if it serves Go's pprof handlers
 * (etcd {@code --enable-pprof}), its live memory: {@code /debug/pprof/heap?gc=1} runs a full
 * collection first, then the profile ends with the runtime's MemStats; HeapAlloc (then the
 * live heap) plus the goroutine stacks in use (etcd runs goroutines per stream and watcher,
 * where Keelson runs none) is the counterpart of the JVM probe's live heap.
 */
final class ProcessProbe implements MemoryProbe {
  private static final String HEAP_ALLOC = "# HeapAlloc = ";
  /** "# Stack = <in use> / <from the OS>" */
  private static final String STACK = "# Stack = ";

  private final long pid;
  private final String heapUrl;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** @param pprofBase e.g. {@code http://127.0.0.1:2379}, or null */
  ProcessProbe(long pid, String pprofBase) {
    this.pid = pid;
    this.heapUrl = pprofBase == null ? null
        : pprofBase.replaceAll("/+$", "") + "/debug/pprof/heap?gc=1&debug=1";
  }

  @Override
  public MemorySample sample() throws IOException, InterruptedException {
    long heap = goHeap();
    return new MemorySample(heap, Rss.of(pid), null);
  }

  @Override
  public String describe() {
    return "process pid " + pid + ": VmRSS"
        + (heapUrl == null ? "" : ", and Go live heap + goroutine stacks after a forced GC "
            + "(HeapAlloc + Stack in use from " + heapUrl + ")");
  }

  private long goHeap() throws IOException, InterruptedException {
    if (heapUrl == null) {
      return -1;
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(heapUrl))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(heapUrl + " answered " + r.statusCode()
          + " (is the server started with --enable-pprof?)");
    }
    long heap = -1;
    long stack = -1;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(HEAP_ALLOC)) {
        heap = Long.parseLong(line.substring(HEAP_ALLOC.length()).trim());
      } else if (line.startsWith(STACK)) {
        stack = Long.parseLong(line.substring(STACK.length()).split("/")[0].trim());
      }
    }
    if (heap < 0 || stack < 0) {
      throw new IOException("no HeapAlloc or Stack in " + heapUrl);
    }
    return heap + stack;
  }
}
