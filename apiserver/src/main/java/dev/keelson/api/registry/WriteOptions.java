package dev.keelson.api.registry;

/**
 * Options of a write request: {@code dryRun=All} runs everything but the store write;
 * {@code fieldValidation} is Strict, Warn or Ignore; {@code fieldManager} names the writer in
 * managedFields.
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
    boolean force) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, null, "Warn", false);

  public WriteOptions {
    if (fieldValidation == null || fieldValidation.isEmpty()) {
      fieldValidation = "Warn";
    }
  }
}
