package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.ObjectReader;
import dev.keelson.api.cache.CachedObject;
import java.util.Optional;

/**
 * Admission's view of the objects: this master's watch cache, and for an object the cache does
 * not have (yet: it was created an instant ago through another master) a quorum read.
 */
public final class RegistryReader implements ObjectReader {
  private final Registry registry;
  private final ResourceTypes types;

  public RegistryReader(Registry registry, ResourceTypes types) {
    this.registry = registry;
    this.types = types;
  }

  @Override
  public Optional<ObjectNode> get(String group, String resource, String namespace,
      String name) {
    ResourceType t = null;
    for (ResourceType x : types.all()) {
      if (x.group().equals(group) && x.resource().equals(resource)) {
        t = x;
        break;
      }
    }
    if (t == null) {
      return Optional.empty();
    }
    CachedObject o = registry.cache().get(t.key(namespace, name));
    if (o != null) {
      return Optional.of(o.object());
    }
    try {
      return Optional.of(registry.get(t, namespace, name, null));
    } catch (ApiException e) {
      if (e.code() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
