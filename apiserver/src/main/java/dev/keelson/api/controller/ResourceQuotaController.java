package dev.keelson.api.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.quota.QuotaUsage;
import dev.keelson.admission.resources.Quantity;
import dev.keelson.api.cache.CachedObject;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ListOptions;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.WriteOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' resource-quota controller, on the leader: each quota's {@code status.hard}
 * follows {@code spec.hard}, and {@code status.used} is recounted from the objects themselves,
 * which gives back what deleted objects held.
 *
 * <p>The count is exact, not eventual: the quotas and the objects are read at one store revision
 * R, and the status is written only if the quota is still as it was at R. Admission charges a
 * quota in the same transaction as the object it admits (see ResourceQuotaAdmission), so any
 * object created after R changed the quota and fails this write; the next pass counts again.
 * Woken by events of quotas and of the objects they count, and every {@link #PERIOD_MS}.
 */
public final class ResourceQuotaController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceQuotaController.class);
  private static final long PERIOD_MS = 10_000;
  /** Core resources whose objects are watched: their changes can change a quota's usage. */
  private static final List<String> WATCHED = List.of("pods", "services",
      "persistentvolumeclaims", "configmaps", "secrets", "replicationcontrollers");

  private final String nodeId;
  private final Registry registry;
  private final ResourceTypes types;
  private final WatchCache cache;
  private final BooleanSupplier leader;
  private final ResourceType quotas;
  private final ControllerLoop loop;
  private final List<WakingWatch> watches = new ArrayList<>();

  public ResourceQuotaController(String nodeId, Registry registry, ResourceTypes types,
      BooleanSupplier leader) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.types = types;
    this.cache = registry.cache();
    this.leader = leader;
    this.quotas = types.find("", "v1", "resourcequotas").orElseThrow();
    this.loop = new ControllerLoop("quota-controller-" + nodeId, this::runOnce, PERIOD_MS);
    watches.add(new WakingWatch(cache, quotas.listPrefix(null), loop));
    for (String r : WATCHED) {
      types.find("", "v1", r).ifPresent(t -> watches.add(new WakingWatch(cache,
          t.listPrefix(null), loop)));
    }
  }

  public ResourceQuotaController start() {
    loop.start();
    return this;
  }

  /** One pass over every namespace that has quotas; returns how many statuses it wrote. */
  public int runOnce() {
    watches.forEach(WakingWatch::drain);
    if (!leader.getAsBoolean()) {
      return 0;
    }
    Set<String> namespaces = new TreeSet<>();
    for (CachedObject o : cache.list(quotas.listPrefix(null), x -> true).items()) {
      namespaces.add(o.object().path("metadata").path("namespace").asText());
    }
    int written = 0;
    for (String ns : namespaces) {
      written += sync(ns);
    }
    return written;
  }

  /** Recounts the quotas of one namespace at one revision; returns how many it rewrote. */
  int sync(String ns) {
    long rev = registry.currentRevision();
    ListOptions at = new ListOptions(null, null, 0, null, Long.toString(rev), "Exact");
    List<ObjectNode> qs = items(registry.list(quotas, ns, at));
    Set<ResourceType> counted = new LinkedHashSet<>();
    for (ObjectNode q : qs) {
      q.path("spec").path("hard").fieldNames().forEachRemaining(res -> {
        ResourceType t = countedType(res);
        if (t != null) {
          counted.add(t);
        }
      });
    }
    Map<ResourceType, List<ObjectNode>> objects = new HashMap<>();
    for (ResourceType t : counted) {
      objects.put(t, items(registry.list(t, ns, at)));
    }
    int written = 0;
    for (ObjectNode q : qs) {
      JsonNode hard = q.path("spec").path("hard");
      Map<String, Quantity> used = new TreeMap<>();
      hard.fieldNames().forEachRemaining(res -> used.put(res, Quantity.ZERO));
      objects.forEach((t, list) -> {
        for (ObjectNode o : list) {
          if (!QuotaUsage.inScope(q, t.group(), t.resource(), o)) {
            continue;
          }
          QuotaUsage.of(t.group(), t.resource(), o).forEach((res, amount) -> {
            if (used.containsKey(res)) {
              used.merge(res, amount, Quantity::add);
            }
          });
        }
      });
      if (write(ns, q, hard, used)) {
        written++;
      }
    }
    return written;
  }

  /** Writes the status if it differs; false when it was right or the quota moved on. */
  private boolean write(String ns, ObjectNode q, JsonNode hard, Map<String, Quantity> used) {
    ObjectNode status = registry.decodeJson("{}");
    status.set("hard", hard.deepCopy());
    ObjectNode u = status.withObjectProperty("used");
    used.forEach((res, amount) -> u.put(res, amount.toString()));
    if (sameQuantities(q.path("status").path("hard"), status.path("hard"))
        && sameQuantities(q.path("status").path("used"), u)) {
      return false;
    }
    ObjectNode next = q.deepCopy();
    next.set("status", status);
    String name = q.path("metadata").path("name").asText();
    try {
      registry.update(quotas, ns, name, next, Registry.Part.STATUS, WriteOptions.DEFAULT);
      LOG.debug("[{}] quota {}/{} used {}", nodeId, ns, name, u);
      return true;
    } catch (ApiException e) {
      if (e.code() == 409 || e.code() == 404) {
        loop.wake(); // admitted or deleted meanwhile: count again
        return false;
      }
      throw e;
    }
  }

  private static boolean sameQuantities(JsonNode a, JsonNode b) {
    if (a.size() != b.size()) {
      return false;
    }
    var it = b.fields();
    while (it.hasNext()) {
      var e = it.next();
      Quantity x = Quantity.parseOrNull(a.path(e.getKey()).asText(null));
      Quantity y = Quantity.parseOrNull(e.getValue().asText());
      if (x == null || !x.equals(y)) {
        return false;
      }
    }
    return true;
  }

  /** The type whose objects a quota's resource name counts, or null. */
  private ResourceType countedType(String res) {
    if (res.startsWith("count/")) {
      String r = res.substring("count/".length());
      int dot = r.indexOf('.');
      String group = dot < 0 ? "" : r.substring(dot + 1);
      String resource = dot < 0 ? r : r.substring(0, dot);
      return types.find(group, resource).orElse(null);
    }
    String core;
    if (res.startsWith("requests.storage") || res.contains(".storageclass.storage.k8s.io/")
        || res.equals("persistentvolumeclaims")) {
      core = "persistentvolumeclaims";
    } else if (res.startsWith("services")) {
      core = "services";
    } else if (WATCHED.contains(res) || res.equals("resourcequotas")) {
      core = res;
    } else {
      core = "pods"; // cpu, memory, requests.*, limits.*: what pods ask for
    }
    return types.find("", "v1", core).orElse(null);
  }

  private static List<ObjectNode> items(ObjectNode list) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode i : list.path("items")) {
      out.add((ObjectNode) i);
    }
    return out;
  }

  @Override
  public void close() {
    loop.close();
    watches.forEach(WakingWatch::close);
  }
}
