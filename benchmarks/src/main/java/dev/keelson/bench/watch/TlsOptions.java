package dev.keelson.bench.watch;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS to the etcd endpoints, as etcdctl's flags name it: a server with client-certificate
 * authentication (Keelson started by {@code bin/keelson up}, or etcd with
 * {@code --client-cert-auth}) needs all three. Without them the tool speaks plaintext.
 */
public final class TlsOptions {
  @Option(names = "--cacert", paramLabel = "file",
      description = "Verify the servers' certificates with this CA (PEM); turns TLS on.")
  Path cacert;

  @Option(names = "--cert", paramLabel = "file", description = "Client certificate (PEM).")
  Path cert;

  @Option(names = "--key", paramLabel = "file", description = "Client key (PKCS#8 PEM).")
  Path key;

  /** Makes every connection the tool opens from now on use these settings. */
  public void apply() throws IOException {
    if (cacert == null && (cert != null || key != null)) {
      throw new IllegalArgumentException("--cert and --key need --cacert");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--cert and --key go together");
    }
    if (cacert != null) {
      Channels.useTls(cacert, cert, key);
    }
  }
}
