package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.cache.CachedObject;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ApiException.Cause;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.TypeHooks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schema-driven writes of custom objects, as kube-apiserver does them: unknown fields pruned,
 * defaults applied (in that order), then validation against the version's structural schema.
 * Creating an object of a definition that is being deleted is refused. Built-in types, and
 * custom types served without a schema, pass untouched.
 */
public final class CustomResourceHooks implements TypeHooks {
  private final ResourceTypes types;
  private final WatchCache cache;
  /** Parsed schemas by type; an entry is stale once its source is no longer the served one. */
  private final Map<ResourceType, StructuralSchema> parsed = new ConcurrentHashMap<>();

  public CustomResourceHooks(ResourceTypes types, WatchCache cache) {
    this.types = types;
    this.cache = cache;
  }

  private StructuralSchema schema(ResourceType t) {
    if (types.isBuiltIn(t)) {
      return null;
    }
    JsonNode source = types.schema(t).orElse(null);
    if (source == null) {
      parsed.remove(t);
      return null;
    }
    StructuralSchema s = parsed.get(t);
    if (s == null || s.source() != source) {
      s = StructuralSchema.of(source);
      parsed.put(t, s);
    }
    return s;
  }

  @Override
  public void prepare(ResourceType t, ObjectNode obj, ObjectNode old) {
    StructuralSchema s = schema(t);
    if (s == null) {
      return;
    }
    if (old == null && terminating(t)) {
      throw ApiException.methodNotAllowed("create not allowed while custom resource definition "
          + "is terminating");
    }
    Pruner.prune(obj, s);
    Defaulter.apply(obj, s);
  }

  @Override
  public List<Cause> validate(ResourceType t, ObjectNode obj, ObjectNode old) {
    StructuralSchema s = schema(t);
    return s == null ? List.of() : SchemaValidator.validate(obj, s, "");
  }

  /** Whether this master's cache has the type's definition marked for deletion. */
  private boolean terminating(ResourceType t) {
    CachedObject crd = cache.get(CrdController.CRD_PREFIX + t.resource() + "." + t.group());
    return crd != null && crd.object().path("metadata").has("deletionTimestamp");
  }
}
