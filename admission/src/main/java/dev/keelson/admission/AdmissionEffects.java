package dev.keelson.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What admitting one request produced besides the object: warnings for the client (sent as
 * {@code Warning} headers) and companion writes, which the store makes in the same transaction
 * as the request's own write, each only if its object is unchanged since the plugin read it.
 * ResourceQuota charges usage this way, so that a charge exists exactly when the write does.
 * One instance per request; plugins of one request run on one thread.
 */
public final class AdmissionEffects {
  /**
   * Replace {@code object} (its group, resource, namespace and name), if its resourceVersion
   * is still {@code expectedResourceVersion}.
   */
  public record CompanionWrite(String group, String resource, String namespace, String name,
      ObjectNode object, long expectedResourceVersion) {
  }

  private final List<String> warnings = new ArrayList<>();
  private final List<CompanionWrite> companions = new ArrayList<>();
  private final Consumer<String> onWarning;

  public AdmissionEffects() {
    this(w -> { });
  }

  /** Effects whose warnings also go to {@code onWarning} as they are given. */
  public AdmissionEffects(Consumer<String> onWarning) {
    this.onWarning = onWarning;
  }

  public void warn(String message) {
    warnings.add(message);
    onWarning.accept(message);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  public void attach(CompanionWrite w) {
    companions.add(w);
  }

  public List<CompanionWrite> companions() {
    return List.copyOf(companions);
  }

  /** Forgets the companion writes (the write is admitted again after a conflict on one). */
  public void clearCompanions() {
    companions.clear();
  }
}
