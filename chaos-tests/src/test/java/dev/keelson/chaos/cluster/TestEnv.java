package dev.keelson.chaos.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the chaos tests need from the machine, and why they skip when it is missing. */
public final class TestEnv {
  private TestEnv() {}

  /** The master jar the reactor built (apiserver's package phase runs before these tests). */
  public static Path jar() {
    return Path.of(System.getProperty("keelson.jar", "../apiserver/target/keelson.jar"))
        .toAbsolutePath();
  }

  /** Whether masters can run and links can be cut here; prints why not. */
  public static boolean usable() {
    Optional<String> why = Net.unavailable();
    why.ifPresent(w -> System.out.println("SKIPPED: chaos harness cannot cut links here: " + w));
    if (!Files.isRegularFile(jar())) {
      System.out.println("SKIPPED: no master jar at " + jar() + " (run mvn package first)");
      return false;
    }
    return why.isEmpty();
  }
}
