package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.ObjectReader;
import dev.keelson.api.cache.CachedObject;
import java.util.ArrayList;
import java.util.List;
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
    ResourceType t = types.find(group, resource).orElse(null);
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

  @Override
  public List<ObjectNode> list(String group, String resource, String namespace) {
    ResourceType t = types.find(group, resource).orElse(null);
    if (t == null) {
      return List.of();
    }
    List<ObjectNode> out = new ArrayList<>();
    for (CachedObject o : registry.cache().list(t.listPrefix(namespace), x -> true).items()) {
      out.add(o.object());
    }
    return out;
  }
}
