package dev.keelson.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Test data: objects held in memory, read as a master's {@link ObjectReader} reads them. */
public final class InMemoryObjects implements ObjectReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, ObjectNode> objects = new ConcurrentSkipListMap<>();

  /** JSON with single quotes for double quotes, for readable test data. */
  public static ObjectNode json(String relaxed) {
    try {
      return (ObjectNode) JSON.readTree(relaxed.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(relaxed, e);
    }
  }

  public InMemoryObjects put(String group, String resource, ObjectNode object) {
    String namespace = object.path("metadata").path("namespace").asText("");
    String name = object.path("metadata").path("name").asText();
    objects.put(key(group, resource, namespace, name), object);
    return this;
  }

  /** Holds {@code object} under the given coordinates, whatever its metadata says. */
  public InMemoryObjects put(String group, String resource, String namespace, String name,
      ObjectNode object) {
    objects.put(key(group, resource, namespace, name), object);
    return this;
  }

  public void remove(String group, String resource, String namespace, String name) {
    objects.remove(key(group, resource, namespace, name));
  }

  @Override
  public Optional<ObjectNode> get(String group, String resource, String namespace,
      String name) {
    ObjectNode o = objects.get(key(group, resource, namespace, name));
    return Optional.ofNullable(o).map(ObjectNode::deepCopy);
  }

  @Override
  public List<ObjectNode> list(String group, String resource, String namespace) {
    String prefix = group + "/" + resource + "/" + (namespace == null ? "" : namespace + "/");
    List<ObjectNode> list = new ArrayList<>();
    objects.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        list.add(v.deepCopy());
      }
    });
    return list;
  }

  private static String key(String group, String resource, String namespace, String name) {
    return group + "/" + resource + "/" + namespace + "/" + name;
  }
}
