package dev.keelson.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.chaos.watch.RestEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One REST watch, read by polling: {@link #OPENED} once the master accepted it (status 200),
 * then each line as a {@link RestEvents.Line}, then {@link #ENDED} or the {@link Throwable} that
 * ended it. A refusal (a status other than 200) is one {@link RestEvents.Failure} with the
 * Status's code. A thread of its own reads the stream; {@link #close()} ends it.
 */
final class RestWatchStream implements AutoCloseable {
  static final Object OPENED = new Object();
  static final Object ENDED = new Object();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile InputStream body;
  private volatile boolean closed;

  RestWatchStream(RestClient client, long resourceVersion, String name) {
    reader = new Thread(() -> read(client, resourceVersion), name);
    reader.setDaemon(true);
    reader.start();
  }

  private void read(RestClient client, long resourceVersion) {
    try {
      HttpResponse<InputStream> res = client.watch(resourceVersion);
      body = res.body();
      if (closed) {
        body.close();
        return;
      }
      if (res.statusCode() != 200) {
        JsonNode status = JSON.readTree(body.readAllBytes());
        queue.add(new RestEvents.Failure(res.statusCode(),
            status == null ? "" : status.path("reason").asText(""),
            status == null ? "" : status.path("message").asText("")));
        return;
      }
      queue.add(OPENED);
      BufferedReader lines = new BufferedReader(new InputStreamReader(body,
          StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          queue.add(RestEvents.parse(line));
        }
      }
      queue.add(ENDED);
    } catch (IOException | RuntimeException e) {
      queue.add(e);
    } catch (InterruptedException e) {
      queue.add(e); // closed while waiting for the headers
    }
  }

  /** The next item, or null after {@code millis}. */
  Object poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Ends the stream: closes the body (and with it the connection) and stops the reader. */
  @Override
  public void close() {
    closed = true;
    InputStream b = body;
    if (b != null) {
      try {
        b.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    reader.interrupt();
  }
}
