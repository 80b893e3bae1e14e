package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.WriteOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.UnaryOperator;

/**
 * A server-side apply request ({@code PATCH} with {@code application/apply-patch+yaml}): the
 * applied configuration, its manager and whether it forces conflicts. {@link #run} applies it
 * through the registry, creating the object when the name is free; as a plain
 * {@link UnaryOperator} it applies to whatever object it is given (the scale subresource's
 * view, say).
 */
public final class ApplyPatch implements UnaryOperator<ObjectNode> {
  private final ResourceType type;
  private final ObjectNode config;
  private final String manager;
  private final boolean force;
  private final Clock clock;

  /** What {@link #run} did: the object, and whether the apply created it. */
  public record Outcome(ObjectNode object, boolean created) {}

  /** 400 when {@code config} cannot be an applied configuration at all. */
  public ApplyPatch(ResourceType type, JsonNode config, String manager, boolean force,
      Clock clock) {
    if (!config.isObject()) {
      throw ApiException.badRequest("the applied configuration must be an object");
    }
    JsonNode meta = config.path("metadata");
    if (!meta.isMissingNode() && !meta.isObject()) {
      throw ApiException.badRequest("metadata must be an object");
    }
    if (meta.hasNonNull("managedFields")) {
      throw ApiException.badRequest("metadata.managedFields must be nil");
    }
    this.type = type;
    this.config = (ObjectNode) config;
    this.manager = manager;
    this.force = force;
    this.clock = clock;
  }

  /**
   * Applies to {@code name}: a patch of the live object, or a create (Outcome.created) when
   * there is none and this is the main resource. 400 unless the configuration names this type's
   * apiVersion and kind, as Kubernetes requires.
   */
  public Outcome run(Registry registry, String ns, String name, Registry.Part part,
      WriteOptions w) {
    String apiVersion = config.path("apiVersion").asText("");
    String kind = config.path("kind").asText("");
    if (!apiVersion.equals(type.apiVersion()) || !kind.equals(type.kind())) {
      throw ApiException.badRequest("invalid object type: "
          + (apiVersion.contains("/") ? apiVersion : "/" + apiVersion) + ", Kind=" + kind);
    }
    WriteOptions applying = w.asApply();
    try {
      return new Outcome(registry.patch(type, ns, name, live -> applyTo(live, part, false), part,
          applying), false);
    } catch (ApiException e) {
      if (e.code() != 404 || part != Registry.Part.MAIN) {
        throw e;
      }
    }
    ObjectNode empty = Json.MAPPER.createObjectNode();
    empty.put("apiVersion", type.apiVersion());
    empty.put("kind", type.kind());
    ObjectNode meta = empty.putObject("metadata");
    meta.put("name", name);
    if (type.namespaced() && ns != null) {
      meta.put("namespace", ns);
    }
    try {
      return new Outcome(registry.create(type, ns, applyTo(empty, part, true), applying), true);
    } catch (ApiException e) {
      if (!"AlreadyExists".equals(e.reason())) {
        throw e;
      }
    }
    // created by someone else meanwhile: apply to theirs
    return new Outcome(registry.patch(type, ns, name, live -> applyTo(live, part, false), part,
        applying), false);
  }

  /**
   * The applied configuration, which the caller may still trim (dropping fields the type does
   * not know) before {@link #run}.
   */
  public ObjectNode config() {
    return config;
  }

  @Override
  public ObjectNode apply(ObjectNode live) {
    return applyTo(live, Registry.Part.MAIN, false);
  }

  private ObjectNode applyTo(ObjectNode live, Registry.Part part, boolean creating) {
    String liveName = live.path("metadata").path("name").asText("");
    String name = config.path("metadata").path("name").asText("");
    if (!name.isEmpty() && !liveName.isEmpty() && !name.equals(liveName)) {
      throw ApiException.badRequest("the name of the object (" + name + ") does not match the "
          + "name on the URL (" + liveName + ")");
    }
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    return FieldManager.apply(live, config, manager, force, creating,
        FieldManager.Scope.of(type, part), now, Schema.KUBERNETES);
  }
}
