package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.WriteOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Field ownership, as Kubernetes' field manager keeps it in {@code metadata.managedFields}
 * (structured-merge-diff's {@code Updater}). Two operations:
 *
 * <ul>
 *   <li><b>Update</b> (create, update, non-apply patch): the writer takes every field it added or
 *       changed from whoever owned it; fields it removed leave every owner; fields it left alone
 *       stay with their owners. Never a conflict.
 *   <li><b>Apply</b>: the configuration is merged into the live object; the fields it sets are the
 *       applier's whole set from now on; fields it applied before but omits now are removed from
 *       the object unless another manager owns them; a change to a field another manager owns is
 *       a conflict (409), unless forced, which moves the field to the applier. Managers that set
 *       the same value share the field.
 * </ul>
 *
 * Nobody owns the object's identity and server-set metadata ({@link #SERVER_FIELDS}), nor what
 * the write cannot change: the status in a main-resource write of a type with a status
 * subresource, everything but the status in a status write.
 */
public final class FieldManager {
  /**
   * What an applier gave up: the paths it owned before that nobody owns now — except the maps
   * and lists that still hold owned fields (an earlier entry may own {@code data} itself, the
   * {@code "."} of fieldsV1, while the new config only names {@code data.mode}; removing
   * {@code data} would remove what was just applied). Structured-merge-diff treats such
   * parents as members for the same reason.
   */
  static FieldSet givenUp(FieldSet before, FieldSet owned) {
    return FieldSet.of(before.difference(owned).paths().stream()
        .filter(p -> !owned.hasAtOrBelow(p)).toArray(FieldPath[]::new));
  }

  /** Fields the server sets; they are in no manager's set (Kubernetes' stripMeta). */
  static final FieldSet SERVER_FIELDS = FieldSet.of(FieldPath.of("apiVersion"),
      FieldPath.of("kind"), FieldPath.of("metadata"), FieldPath.of("metadata", "name"),
      FieldPath.of("metadata", "namespace"), FieldPath.of("metadata", "creationTimestamp"),
      FieldPath.of("metadata", "selfLink"), FieldPath.of("metadata", "uid"),
      FieldPath.of("metadata", "clusterName"), FieldPath.of("metadata", "generation"),
      FieldPath.of("metadata", "managedFields"), FieldPath.of("metadata", "resourceVersion"));
  /** The owner of every field of an object that had no managedFields when first applied. */
  static final String BEFORE_FIRST_APPLY = "before-first-apply";
  /** The manager of a write that names none and sent no User-Agent. */
  public static final String UNKNOWN = "unknown";

  private FieldManager() {}

  /** Where a write goes: the API version, the subresource ("" for none) and its reset fields. */
  record Scope(String apiVersion, String subresource, boolean statusSubresource) {
    static Scope of(ResourceType t, Registry.Part part) {
      String sub = switch (part) {
        case MAIN -> "";
        case STATUS -> "status";
        case SCALE -> "scale";
      };
      return new Scope(t.apiVersion(), sub, t.statusSubresource());
    }

    /** The fields this write cannot change, as top-level paths of {@code objects}. */
    FieldSet ignored(JsonNode... objects) {
      FieldSet.Builder b = FieldSet.builder();
      if (subresource.equals("status")) {
        for (JsonNode o : objects) {
          Json.names(o).stream().filter(k -> !k.equals("status"))
              .forEach(k -> b.add(FieldPath.of(k)));
        }
      } else if (statusSubresource) {
        b.add(FieldPath.of("status"));
      }
      return b.build();
    }
  }

  /**
   * The Registry's hook, called with every create (old null), update and patch just before it is
   * stored: {@code next} gets its managedFields. For an apply ({@link WriteOptions#apply()}) the
   * patch computed them already, into {@code requested}; otherwise this records an Update by the
   * request's manager, starting from the managedFields {@code requested} carries if it carries
   * any (as Kubernetes: a client may set them; {@code []} clears them), else the live ones.
   */
  public static void recordWrite(ResourceType t, ObjectNode old, ObjectNode next,
      ObjectNode requested, Registry.Part part, WriteOptions w, String now) {
    if (w.apply()) {
      if (requested != next) {
        JsonNode applied = requested.path("metadata").get("managedFields");
        ObjectNode meta = next.withObjectProperty("metadata");
        if (applied == null) {
          meta.remove("managedFields");
        } else {
          meta.set("managedFields", applied.deepCopy());
        }
      }
      return;
    }
    Scope scope = Scope.of(t, part);
    Map<Manager, ManagedFields.Entry> owners = startingOwners(old, requested, scope);
    String manager = w.fieldManager() == null || w.fieldManager().isEmpty() ? UNKNOWN
        : w.fieldManager();
    update(owners, body(old), body(next), manager, scope, now, Schema.KUBERNETES);
    ManagedFields.store(next, owners);
  }

  private static Map<Manager, ManagedFields.Entry> startingOwners(ObjectNode old,
      ObjectNode requested, Scope scope) {
    JsonNode given = requested.path("metadata").get("managedFields");
    if (!scope.subresource().isEmpty() || given == null || given.isNull()) {
      return ManagedFields.of(old);
    }
    if (ManagedFields.isReset(given)) {
      return new LinkedHashMap<>();
    }
    try {
      Map<Manager, ManagedFields.Entry> owners = ManagedFields.decode(given);
      return owners.isEmpty() ? ManagedFields.of(old) : owners;
    } catch (IllegalArgumentException e) {
      return ManagedFields.of(old);
    }
  }

  /**
   * Records in {@code owners} that {@code manager} replaced {@code live} by {@code next} (both
   * without managedFields; live empty on create).
   */
  static void update(Map<Manager, ManagedFields.Entry> owners, JsonNode live, JsonNode next,
      String manager, Scope scope, String now, Schema schema) {
    Comparison cmp = Comparison.of(live, next, schema).excluding(scope.ignored(live, next));
    FieldSet changed = cmp.changed();
    owners.replaceAll((m, e) -> new ManagedFields.Entry(e.apiVersion(), e.time(),
        e.fields().difference(changed).difference(cmp.removed())));
    FieldSet taken = changed.difference(SERVER_FIELDS);
    if (taken.isEmpty()) {
      return;
    }
    Manager me = Manager.updater(manager, scope.apiVersion(), scope.subresource());
    ManagedFields.Entry prev = owners.get(me);
    owners.put(me, new ManagedFields.Entry(scope.apiVersion(), now,
        prev == null ? taken : prev.fields().union(taken)));
  }

  /**
   * Applies {@code config} to {@code live} (which carries its managedFields) for
   * {@code manager}: the merged object with its new managedFields. {@code creating}: live is the
   * empty object an apply to a missing name starts from. Throws a 409 conflict (see
   * {@link Conflicts}) unless {@code force}.
   */
  static ObjectNode apply(ObjectNode live, JsonNode config, String manager, boolean force,
      boolean creating, Scope scope, String now, Schema schema) {
    Map<Manager, ManagedFields.Entry> owners = ManagedFields.of(live);
    ObjectNode liveBody = body(live);
    FieldSet ignored = scope.ignored(liveBody, config);
    if (owners.isEmpty() && !creating) {
      // an object written before fields were tracked: its fields belong to a placeholder, so
      // that changing them is a conflict, as in Kubernetes
      owners.put(Manager.updater(BEFORE_FIRST_APPLY, scope.apiVersion(), ""),
          new ManagedFields.Entry(scope.apiVersion(), now, AppliedFields.of(liveBody, schema)
              .difference(SERVER_FIELDS).recursiveDifference(ignored)));
    }
    Manager me = Manager.applier(manager, scope.subresource());
    ManagedFields.Entry prev = owners.get(me);
    FieldSet applied = AppliedFields.of(config, schema).difference(SERVER_FIELDS)
        .recursiveDifference(ignored);
    owners.put(me, new ManagedFields.Entry(scope.apiVersion(), null, applied));

    ObjectNode merged = Merge.merge(liveBody, config, schema);
    if (prev != null) {
      merged = Merge.remove(merged, givenUp(prev.fields(), union(owners)), schema);
    }

    Comparison cmp = Comparison.of(liveBody, merged, schema).excluding(ignored);
    FieldSet changed = cmp.changed();
    Map<Manager, FieldSet> conflicts = new LinkedHashMap<>();
    owners.forEach((m, e) -> {
      FieldSet c = m.equals(me) ? FieldSet.empty() : e.fields().intersection(changed);
      if (!c.isEmpty()) {
        conflicts.put(m, c);
      }
    });
    if (!conflicts.isEmpty() && !force) {
      throw Conflicts.error(Conflicts.of(conflicts));
    }
    owners.replaceAll((m, e) -> m.equals(me) ? e : new ManagedFields.Entry(e.apiVersion(),
        e.time(), e.fields().difference(conflicts.getOrDefault(m, FieldSet.empty()))
            .difference(cmp.removed())));
    String time = prev == null || !cmp.isSame() ? now : prev.time();
    owners.put(me, new ManagedFields.Entry(scope.apiVersion(), time, applied));
    ManagedFields.store(merged, owners);
    LastApplied.sync(merged, config, manager);
    return merged;
  }

  private static FieldSet union(Map<Manager, ManagedFields.Entry> owners) {
    FieldSet all = FieldSet.empty();
    for (ManagedFields.Entry e : owners.values()) {
      all = all.union(e.fields());
    }
    return all;
  }

  /** A copy of {@code obj} without managedFields; an empty object for null. */
  private static ObjectNode body(ObjectNode obj) {
    if (obj == null) {
      return Json.MAPPER.createObjectNode();
    }
    ObjectNode copy = obj.deepCopy();
    JsonNode meta = copy.get("metadata");
    if (meta instanceof ObjectNode m) {
      m.remove("managedFields");
    }
    return copy;
  }
}
