package dev.keelson.api.registry;

/**
 * Options of a write request: {@code dryRun=All} runs everything but the store write;
 * {@code fieldValidation} is Strict, Warn or Ignore; {@code fieldManager} names the writer in
 * managedFields. {@code apply} marks a server-side apply, whose patch records field ownership
 * itself (the registry then records none).
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
    boolean force, boolean apply) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, null, "Warn", false);

  public WriteOptions {
    if (fieldValidation == null || fieldValidation.isEmpty()) {
      fieldValidation = "Warn";
    }
  }

  public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
      boolean force) {
    this(dryRun, fieldManager, fieldValidation, force, false);
  }

  public WriteOptions withFieldManager(String manager) {
    return new WriteOptions(dryRun, manager, fieldValidation, force, apply);
  }

  public WriteOptions asApply() {
    return new WriteOptions(dryRun, fieldManager, fieldValidation, force, true);
  }
}
