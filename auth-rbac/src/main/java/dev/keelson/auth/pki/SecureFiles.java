package dev.keelson.auth.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files whole or not at all: the text goes to a temporary file in the same directory
 * (created 0600 by the JDK on POSIX), gets its final permissions, and is then moved over the
 * target. A private file is therefore never readable by others, not even for an instant.
 */
final class SecureFiles {
  private SecureFiles() {}

  /** Writes a secret (private key, kubeconfig): mode 0600 where the file system is POSIX. */
  static void writePrivate(Path file, String text) throws IOException {
    write(file, text, "rw-------");
  }

  /** Writes a public file (certificate): mode 0644 where the file system is POSIX. */
  static void writePublic(Path file, String text) throws IOException {
    write(file, text, "rw-r--r--");
  }

  private static void write(Path file, String text, String permissions) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
      }
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
