package dev.keelson.server.testing;

import dev.keelson.store.raft.TlsFiles;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** jetcd clients of a test cluster, over TLS with its client certificate when it uses TLS. */
public final class Jetcd {
  private Jetcd() {}

  public static Client client(Cluster cluster, List<String> endpoints) {
    TlsFiles tls = cluster.clientTls();
    ClientBuilder b = Client.builder().endpoints(endpoints.stream()
        .map(e -> (tls == null ? "http://" : "https://") + e).toArray(String[]::new));
    if (tls != null) {
      try {
        b.sslContext(GrpcSslContexts.forClient().trustManager(tls.ca().toFile())
            .keyManager(tls.cert().toFile(), tls.key().toFile()).build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return b.build();
  }
}
