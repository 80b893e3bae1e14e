package dev.keelson.api.http;

import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Sends a body given as parts (a cache list: its head, every object's JSON, its tail) in chunks
 * of {@value #CHUNK} bytes, one write in flight, through one buffer reused from chunk to chunk:
 * the body is never copied whole, and each TLS record is full rather than one per object.
 * Sets Content-Length, so the client reads a fixed-length body.
 */
final class PartsWriter extends IteratingCallback {
  static final int CHUNK = 64 * 1024;

  private final Response response;
  private final Callback done;
  private final List<byte[]> parts;
  private final ByteBuffer chunk;
  private int part;
  private int offset;
  private boolean lastWritten;

  private PartsWriter(Response response, List<byte[]> parts, long length, Callback done) {
    this.response = response;
    this.parts = parts;
    this.done = done;
    this.chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(length, 1)));
  }

  /** Writes {@code parts} as the whole body of {@code response}, then completes {@code done}. */
  static void send(Response response, List<byte[]> parts, Callback done) {
    long length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    new PartsWriter(response, parts, length, done).iterate();
  }

  @Override
  protected Action process() {
    if (lastWritten) {
      return Action.SUCCEEDED;
    }
    chunk.clear();
    while (part < parts.size() && chunk.hasRemaining()) {
      byte[] p = parts.get(part);
      int n = Math.min(p.length - offset, chunk.remaining());
      chunk.put(p, offset, n);
      offset += n;
      if (offset == p.length) {
        part++;
        offset = 0;
      }
    }
    chunk.flip();
    lastWritten = part == parts.size();
    response.write(lastWritten, chunk, this);
    return Action.SCHEDULED;
  }

  @Override
  protected void onCompleteSuccess() {
    done.succeeded();
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    done.failed(cause);
  }
}
