package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object's {@code metadata.managedFields}: per {@link Manager}, the API version it last wrote
 * with, when its fields last changed, and the fields it owns.
 *
 * <pre>
 *   - manager: kubectl          operation: Apply     apiVersion: apps/v1
 *     time: "2026-11-29T10:00:00Z"   fieldsType: FieldsV1   fieldsV1: {f:spec: {f:replicas: {}}}
 *     subresource: scale        (only for writes through a subresource)
 * </pre>
 *
 * Entries are written in Kubernetes' order: operation, time, manager, API version, subresource.
 */
final class ManagedFields {
  /** One owner's state; {@code time} may be null. */
  record Entry(String apiVersion, String time, FieldSet fields) {}

  private static final Comparator<Map.Entry<Manager, Entry>> ORDER = Comparator
      .<Map.Entry<Manager, Entry>, String>comparing(e -> e.getKey().operation().wire())
      .thenComparing(e -> e.getValue().time() == null ? "" : e.getValue().time())
      .thenComparing(e -> e.getKey().name())
      .thenComparing(e -> e.getValue().apiVersion())
      .thenComparing(e -> e.getKey().subresource());

  private ManagedFields() {}

  /** The owners recorded in {@code obj}; none if it has none or they do not decode. */
  static Map<Manager, Entry> of(JsonNode obj) {
    JsonNode list = obj == null ? null : obj.path("metadata").get("managedFields");
    if (list == null || list.isNull()) {
      return new LinkedHashMap<>();
    }
    try {
      return decode(list);
    } catch (IllegalArgumentException e) {
      return new LinkedHashMap<>();
    }
  }

  /** True for the two ways a request asks to clear managedFields: {@code []} and {@code [{}]}. */
  static boolean isReset(JsonNode list) {
    return list != null && list.isArray()
        && (list.isEmpty() || list.size() == 1 && list.get(0).isObject() && list.get(0).isEmpty());
  }

  /** Reads a managedFields list; IllegalArgumentException when an entry is not valid. */
  static Map<Manager, Entry> decode(JsonNode list) {
    if (!list.isArray()) {
      throw new IllegalArgumentException("managedFields must be a list");
    }
    Map<Manager, Entry> out = new LinkedHashMap<>();
    for (JsonNode e : list) {
      if (!e.isObject()) {
        throw new IllegalArgumentException("a managedFields entry must be an object");
      }
      String fieldsType = e.path("fieldsType").asText("FieldsV1");
      if (!fieldsType.equals("FieldsV1")) {
        throw new IllegalArgumentException("unsupported fieldsType " + fieldsType);
      }
      Manager m = new Manager(e.path("manager").asText(""),
          Manager.Operation.fromWire(e.path("operation").asText("")),
          e.path("apiVersion").asText(""), e.path("subresource").asText(""));
      JsonNode fields = e.get("fieldsV1");
      Entry entry = new Entry(e.path("apiVersion").asText(""),
          e.hasNonNull("time") ? e.get("time").asText() : null,
          fields == null || fields.isNull() ? FieldSet.empty() : FieldsV1.decode(fields));
      if (out.put(m, entry) != null) {
        throw new IllegalArgumentException("duplicate managedFields entry for " + m.describe());
      }
    }
    return out;
  }

  static ArrayNode encode(Map<Manager, Entry> owners) {
    List<Map.Entry<Manager, Entry>> sorted = new ArrayList<>(owners.entrySet());
    sorted.sort(ORDER);
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Map.Entry<Manager, Entry> e : sorted) {
      ObjectNode n = out.addObject();
      n.put("manager", e.getKey().name());
      n.put("operation", e.getKey().operation().wire());
      n.put("apiVersion", e.getValue().apiVersion());
      if (e.getValue().time() != null) {
        n.put("time", e.getValue().time());
      }
      n.put("fieldsType", "FieldsV1");
      n.set("fieldsV1", FieldsV1.encode(e.getValue().fields()));
      if (!e.getKey().subresource().isEmpty()) {
        n.put("subresource", e.getKey().subresource());
      }
    }
    return out;
  }

  /** Writes {@code owners} into {@code obj}, leaving out empty sets (and the list if empty). */
  static void store(ObjectNode obj, Map<Manager, Entry> owners) {
    owners.values().removeIf(e -> e.fields().isEmpty());
    ObjectNode meta = obj.withObjectProperty("metadata");
    if (owners.isEmpty()) {
      meta.remove("managedFields");
    } else {
      meta.set("managedFields", encode(owners));
    }
  }
}
