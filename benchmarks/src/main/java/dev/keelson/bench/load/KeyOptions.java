package dev.keelson.bench.load;

import picocli.CommandLine.Option;

/** Which keys a KV workload uses, and how big its values are. */
final class KeyOptions {
  @Option(names = "--key-size", defaultValue = "32", paramLabel = "bytes",
      description = "Bytes per key, prefix included (default: ${DEFAULT-VALUE}).")
  int keySize;

  @Option(names = "--val-size", defaultValue = "256", paramLabel = "bytes",
      description = "Bytes per value (default: ${DEFAULT-VALUE}).")
  int valSize;

  @Option(names = "--key-space", defaultValue = "10000", paramLabel = "N",
      description = "Distinct keys used (default: ${DEFAULT-VALUE}).")
  long keySpace;

  @Option(names = "--sequential-keys",
      description = "Operation n uses key n %% key-space instead of a random key.")
  boolean sequentialKeys;

  @Option(names = "--key-prefix", paramLabel = "prefix",
      description = "Prefix of every key (default: bench/<workload>/).")
  String keyPrefix;

  Keys keys(String workload) {
    return new Keys(keyPrefix != null ? keyPrefix : "bench/" + workload + "/", keySize, keySpace,
        sequentialKeys);
  }
}
