package dev.keelson.store.raft;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A certificate, its private key (PKCS#8 PEM) and the CA certificate that peers' certificates
 * must be signed by, as PEM files: what one side of a mutual-TLS connection needs. gRPC and
 * Ratis read the files themselves.
 */
public record TlsFiles(Path cert, Path key, Path ca) {
  public TlsFiles {
    for (Path p : new Path[] {cert, key, ca}) {
      if (p == null || !Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file missing or unreadable: " + p);
      }
    }
  }
}
