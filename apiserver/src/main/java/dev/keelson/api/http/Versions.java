package dev.keelson.api.http;

/** What {@code /version} reports: the Kubernetes API level this server speaks. */
final class Versions {
  static final String MAJOR = "1";
  static final String MINOR = "32";
  static final String GIT_VERSION = "v1.32.0-keelson";

  private Versions() {}
}
