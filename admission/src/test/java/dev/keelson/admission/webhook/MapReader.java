package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.ObjectReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link ObjectReader} over objects the test puts in a map. */
final class MapReader implements ObjectReader {
  private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();

  MapReader put(String group, String resource, String namespace, String name, ObjectNode o) {
    objects.put(key(group, resource, namespace, name), o);
    return this;
  }

  @Override
  public Optional<ObjectNode> get(String group, String resource, String namespace, String name) {
    ObjectNode o = objects.get(key(group, resource, namespace, name));
    return Optional.ofNullable(o == null ? null : o.deepCopy());
  }

  @Override
  public List<ObjectNode> list(String group, String resource, String namespace) {
    String prefix = group + "/" + resource + "/" + (namespace == null ? "" : namespace + "/");
    List<ObjectNode> all = new ArrayList<>();
    objects.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        all.add(v.deepCopy());
      }
    });
    return all;
  }

  private static String key(String group, String resource, String namespace, String name) {
    return group + "/" + resource + "/" + namespace + "/" + name;
  }
}
