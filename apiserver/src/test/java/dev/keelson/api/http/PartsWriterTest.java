package dev.keelson.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartsWriterTest {
  private Server server;
  private LocalConnector connector;

  private void serve(List<byte[]> parts) throws Exception {
    server = new Server();
    connector = new LocalConnector(server);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        PartsWriter.send(response, parts, callback);
        return true;
      }
    });
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private HttpTester.Response get() throws Exception {
    return HttpTester.parseResponse(connector.getResponse(
        "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"));
  }

  @Test
  void sendsEveryPartInOrderAcrossChunkBoundariesWithItsLength() throws Exception {
    // parts smaller than, equal to, and larger than a chunk, and empty ones
    Random random = new Random(7);
    List<byte[]> parts = new ArrayList<>();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    for (int size : new int[] {1, 0, 1000, PartsWriter.CHUNK, PartsWriter.CHUNK - 1, 3,
        3 * PartsWriter.CHUNK + 17, 0, 5}) {
      byte[] p = new byte[size];
      random.nextBytes(p);
      parts.add(p);
      whole.write(p);
    }
    serve(parts);

    HttpTester.Response r = get();

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.get("Content-Length")).isEqualTo(Integer.toString(whole.size()));
    assertThat(r.get("Transfer-Encoding")).isNull();
    assertThat(r.getContentBytes()).isEqualTo(whole.toByteArray());
  }

  @Test
  void anEmptyBodyIsAnEmptyResponse() throws Exception {
    serve(List.of(new byte[0]));

    HttpTester.Response r = get();

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.get("Content-Length")).isEqualTo("0");
    assertThat(r.getContentBytes()).isEmpty();
  }
}
