package dev.keelson.api.registry;

import dev.keelson.auth.authn.UserInfo;
import java.util.function.Consumer;

/**
 * Options of a write request: {@code dryRun=All} runs everything but the store write;
 * {@code fieldValidation} is Strict, Warn or Ignore; {@code fieldManager} names the writer in
 * managedFields. {@code apply} marks a server-side apply, whose patch records field ownership
 * itself (the registry then records none). {@code user} made the request (admission sees it);
 * writes the server makes itself are {@link UserInfo#SERVER}'s. {@code warnings} receives the
 * warnings admission gives (the REST layer sends each as a {@code Warning} header).
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
    boolean force, boolean apply, UserInfo user, Consumer<String> warnings) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, null, "Warn", false);

  public WriteOptions {
    if (fieldValidation == null || fieldValidation.isEmpty()) {
      fieldValidation = "Warn";
    }
    user = user == null ? UserInfo.SERVER : user;
    warnings = warnings == null ? w -> { } : warnings;
  }

  public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
      boolean force, boolean apply, UserInfo user) {
    this(dryRun, fieldManager, fieldValidation, force, apply, user, null);
  }

  public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
      boolean force, boolean apply) {
    this(dryRun, fieldManager, fieldValidation, force, apply, UserInfo.SERVER);
  }

  public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation,
      boolean force) {
    this(dryRun, fieldManager, fieldValidation, force, false);
  }

  public WriteOptions withFieldManager(String manager) {
    return new WriteOptions(dryRun, manager, fieldValidation, force, apply, user, warnings);
  }

  /** The same options for a write made by {@code u}. */
  public WriteOptions withUser(UserInfo u) {
    return new WriteOptions(dryRun, fieldManager, fieldValidation, force, apply, u, warnings);
  }

  /** The same options, with admission's warnings going to {@code sink}. */
  public WriteOptions withWarnings(Consumer<String> sink) {
    return new WriteOptions(dryRun, fieldManager, fieldValidation, force, apply, user, sink);
  }

  public WriteOptions asApply() {
    return new WriteOptions(dryRun, fieldManager, fieldValidation, force, true, user,
        warnings);
  }
}
