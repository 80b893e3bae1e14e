package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.api.registry.Patches;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The part of Kubernetes' OpenAPI schema that field management needs, for built-in types,
 * keyed by the field names on the way to a node ({@code [spec, template, spec, containers]}):
 *
 * <ul>
 *   <li>lists are associative ({@code x-kubernetes-list-type: map}) when strategic merge has a
 *       merge key for them ({@link Patches#MERGE_KEYS}); ports are keyed by port and protocol as
 *       in Kubernetes ({@code containerPort}+{@code protocol} in containers, {@code port}+
 *       {@code protocol} in a Service), protocol defaulting to TCP;
 *   <li>lists of scalars that strategic merge unions are sets; every other list is atomic;
 *   <li>label selectors and node selectors are atomic objects; other objects are granular.
 * </ul>
 *
 * A concrete list that does not fit its shape (an item without its key, a duplicate key) is
 * treated as atomic, so a malformed list is replaced whole rather than merged wrongly.
 */
final class Schema {
  static final Schema KUBERNETES = new Schema(Patches.MERGE_KEYS, Patches.MERGED_SCALAR_LISTS);

  private static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers",
      "ephemeralContainers");
  private static final Set<String> ATOMIC_OBJECTS = Set.of("nodeSelector", "podSelector",
      "namespaceSelector", "labelSelector");
  /**
   * Struct fields that exist in every object of their type (Go non-pointer structs), so an
   * update never "adds" them: ownership goes to their fields, not to them.
   */
  private static final Set<String> ALWAYS_PRESENT = Set.of("metadata", "spec", "status",
      "template", "strategy", "updateStrategy");
  private static final Map<String, String> TCP = Map.of("protocol", "\"TCP\"");

  enum ListKind { ATOMIC, SET, MAP }

  /** How a list merges and how its items are named; {@code defaults} fill missing keys. */
  record ListShape(ListKind kind, List<String> keys, Map<String, String> defaults) {
    static final ListShape ATOMIC = new ListShape(ListKind.ATOMIC, List.of(), Map.of());
    static final ListShape SET = new ListShape(ListKind.SET, List.of(), Map.of());

    ListShape {
      keys = List.copyOf(keys);
      defaults = Map.copyOf(defaults);
    }
  }

  private final Map<String, String> mergeKeys;
  private final Set<String> scalarSets;

  Schema(Map<String, String> mergeKeys, Set<String> scalarSets) {
    this.mergeKeys = Map.copyOf(mergeKeys);
    this.scalarSets = Set.copyOf(scalarSets);
  }

  /** The shape a list at {@code names} has, if every one of {@code lists} fits it. */
  ListShape listShape(List<String> names, JsonNode... lists) {
    ListShape declared = declared(names);
    if (declared.kind() == ListKind.ATOMIC) {
      return declared;
    }
    for (JsonNode list : lists) {
      if (list != null && list.isArray() && !fits(declared, list)) {
        return ListShape.ATOMIC;
      }
    }
    return declared;
  }

  /** The path element naming {@code item} of a SET or MAP list; null if it has none. */
  PathElement item(ListShape shape, JsonNode item) {
    if (shape.kind() == ListKind.SET) {
      return item.isContainerNode() ? null : new PathElement.Value(Json.canonical(item));
    }
    if (shape.kind() != ListKind.MAP || !item.isObject()) {
      return null;
    }
    SortedMap<String, String> key = new TreeMap<>();
    for (String k : shape.keys()) {
      JsonNode v = item.get(k);
      if (v == null || v.isNull()) {
        String d = shape.defaults().get(k);
        if (d == null) {
          return null;
        }
        key.put(k, d);
      } else if (v.isContainerNode()) {
        return null;
      } else {
        key.put(k, Json.canonical(v));
      }
    }
    return new PathElement.Key(key);
  }

  /** True for objects owned and replaced as a whole (selectors). */
  boolean atomicObject(List<String> names) {
    if (names.isEmpty()) {
      return false;
    }
    String last = names.get(names.size() - 1);
    return ATOMIC_OBJECTS.contains(last) || names.equals(List.of("spec", "selector"));
  }

  /** True for struct fields that every object of the type has (see {@link #ALWAYS_PRESENT}). */
  boolean alwaysPresent(List<String> names) {
    return !names.isEmpty() && ALWAYS_PRESENT.contains(names.get(names.size() - 1));
  }

  private ListShape declared(List<String> names) {
    if (names.isEmpty()) {
      return ListShape.ATOMIC;
    }
    String field = names.get(names.size() - 1);
    String parent = names.size() >= 2 ? names.get(names.size() - 2) : null;
    if (field.equals("ports")) {
      if (CONTAINER_LISTS.contains(parent)) {
        return new ListShape(ListKind.MAP, List.of("containerPort", "protocol"), TCP);
      }
      return names.equals(List.of("spec", "ports"))
          ? new ListShape(ListKind.MAP, List.of("port", "protocol"), TCP) : ListShape.ATOMIC;
    }
    if (field.equals("topologySpreadConstraints")) {
      return new ListShape(ListKind.MAP, List.of("topologyKey", "whenUnsatisfiable"), Map.of());
    }
    if (scalarSets.contains(field)) {
      return ListShape.SET;
    }
    String key = mergeKeys.get(field);
    return key == null || key.isEmpty() ? ListShape.ATOMIC
        : new ListShape(ListKind.MAP, List.of(key), Map.of());
  }

  private boolean fits(ListShape shape, JsonNode list) {
    Set<PathElement> seen = new HashSet<>();
    for (JsonNode item : list) {
      PathElement e = item(shape, item);
      if (e == null || !seen.add(e)) {
        return false;
      }
    }
    return true;
  }

  /** {@code names} with {@code field} appended. */
  static List<String> plus(List<String> names, String field) {
    List<String> out = new ArrayList<>(names.size() + 1);
    out.addAll(names);
    out.add(field);
    return out;
  }
}
