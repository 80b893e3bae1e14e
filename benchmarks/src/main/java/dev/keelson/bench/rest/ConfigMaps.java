package dev.keelson.bench.rest;

import java.nio.charset.StandardCharsets;

/** The ConfigMaps the REST workloads write: JSON bodies of an exact size. */
final class ConfigMaps {
  private static final String HEAD = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
      + "\"metadata\":{\"name\":\"";
  private static final String MIDDLE = "\"},\"data\":{\"v\":\"";
  private static final String TAIL = "\"}}";

  private ConfigMaps() {}

  /**
   * A ConfigMap named {@code name} whose JSON is {@code size} bytes: the data value {@code v}
   * padded to fit (empty if the rest is already that long).
   */
  static byte[] body(String name, int size) {
    int overhead = HEAD.length() + name.length() + MIDDLE.length() + TAIL.length();
    int pad = Math.max(0, size - overhead);
    StringBuilder b = new StringBuilder(overhead + pad).append(HEAD).append(name).append(MIDDLE);
    for (int i = 0; i < pad; i++) {
      b.append((char) ('a' + i % 26));
    }
    return b.append(TAIL).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A namespace object. */
  static byte[] namespace(String name) {
    return ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name
        + "\"}}").getBytes(StandardCharsets.UTF_8);
  }
}
