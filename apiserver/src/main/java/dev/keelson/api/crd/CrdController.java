package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.cache.CacheWatcher;
import dev.keelson.api.controller.ControllerLoop;
import dev.keelson.api.cache.CachedObject;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ListOptions;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.WriteOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes CustomResourceDefinitions real, on every master:
 *
 * <pre>
 *   watch cache ──(CRD prefix watch: wake-ups only)──▶ runOnce()
 *     syncTypes()       every master: ResourceTypes := the served versions of the definitions
 *                       in this master's cache, each with its schema; gone ones removed
 *     runLeaderOnce()   Raft leader only: status (NamesAccepted, Established, acceptedNames,
 *                       storedVersions), and for a definition being deleted: Terminating,
 *                       delete its objects, then drop the cleanup finalizer so it goes
 * </pre>
 *
 * Each pass re-reads every definition, so it is idempotent and level-triggered: a coalesced
 * wake-up costs only latency, and the loop also runs once a second. Only the leader writes, so
 * masters do not fight over status; every write is conditional anyway. The loop is a plain
 * method ({@link #runOnce()}) tests can drive.
 */
public final class CrdController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CrdController.class);
  static final String CRD_PREFIX = "/registry/apiextensions.k8s.io/customresourcedefinitions/";
  private static final long PERIOD_MS = 1_000;

  private final String nodeId;
  private final Registry registry;
  private final ResourceTypes types;
  private final WatchCache cache;
  private final Clock clock;
  private final BooleanSupplier leader;
  private final ResourceType crdType;
  private final ControllerLoop loop;
  /** What this controller put into {@link #types}, by group/version/resource. Loop only. */
  private final Map<String, Served> served = new HashMap<>();
  private volatile CacheWatcher watcher;

  /** A type and the schema it was put with. */
  private record Served(ResourceType type, JsonNode schema) {}

  public CrdController(String nodeId, Registry registry, ResourceTypes types, Clock clock,
      BooleanSupplier leader) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.types = types;
    this.cache = registry.cache();
    this.clock = clock;
    this.leader = leader;
    this.crdType = types.find(CrdHooks.GROUP, "v1", "customresourcedefinitions").orElseThrow();
    this.loop = new ControllerLoop("crd-controller-" + nodeId, this::runOnce, PERIOD_MS);
  }

  /** Starts the loop on a thread of its own. */
  public CrdController start() {
    loop.start();
    return this;
  }

  /** One pass: follow the cache, serve what it defines, and lead if this master leads. */
  public boolean runOnce() {
    follow();
    boolean did = syncTypes();
    if (leader.getAsBoolean()) {
      did |= runLeaderOnce();
    }
    return did;
  }

  /** Keeps a watch on the definitions open; its events only wake the loop. */
  private void follow() {
    CacheWatcher w = watcher;
    if (w == null || w.closed()) {
      try {
        w = cache.watch(CRD_PREFIX, o -> true, 0, 1_000, loop::wake);
      } catch (WatchCache.TooOldException e) {
        return; // the cache is (re)loading: the next pass tries again
      }
      watcher = w;
    }
    while (!w.poll(1_000).isEmpty()) {
      // drained: each pass re-reads the definitions whole
    }
  }

  /** Serves exactly the served versions of the definitions in this master's cache. */
  public boolean syncTypes() {
    Map<String, Served> want = new LinkedHashMap<>();
    for (CachedObject o : cache.list(CRD_PREFIX, x -> true).items()) {
      Optional<CrdDefinition> d = CrdDefinition.parse(o.object());
      if (d.isEmpty()) {
        continue;
      }
      for (CrdDefinition.Version v : d.get().served()) {
        ResourceType t = d.get().type(v);
        if (!types.isBuiltIn(t)) {
          want.put(key(t), new Served(t, v.schema()));
        }
      }
    }
    boolean changed = false;
    for (Iterator<Map.Entry<String, Served>> it = served.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Served> e = it.next();
      if (!want.containsKey(e.getKey())) {
        ResourceType t = e.getValue().type();
        types.remove(t.group(), t.version(), t.resource());
        it.remove();
        changed = true;
        LOG.info("[{}] no longer serving {}", nodeId, e.getKey());
      }
    }
    for (Map.Entry<String, Served> e : want.entrySet()) {
      if (!e.getValue().equals(served.get(e.getKey()))) {
        types.put(e.getValue().type(), e.getValue().schema());
        served.put(e.getKey(), e.getValue());
        changed = true;
        LOG.info("[{}] serving {}", nodeId, e.getKey());
      }
    }
    return changed;
  }

  private static String key(ResourceType t) {
    return t.group() + "/" + t.version() + "/" + t.resource();
  }

  /** The leader's part: status of every definition, cleanup of those being deleted. */
  public boolean runLeaderOnce() {
    boolean did = false;
    for (CachedObject o : cache.list(CRD_PREFIX, x -> true).items()) {
      JsonNode crd = o.object();
      String name = crd.path("metadata").path("name").asText();
      try {
        did |= writeStatus(crd, name);
        if (crd.path("metadata").has("deletionTimestamp")) {
          did |= cleanUp(crd, name);
        }
      } catch (ApiException e) {
        LOG.debug("[{}] customresourcedefinition {}: {}", nodeId, name, e.getMessage());
      }
    }
    return did;
  }

  private boolean writeStatus(JsonNode crd, String name) {
    if (status(crd).equals(crd.path("status"))) {
      return false;
    }
    registry.patch(crdType, null, name, current -> {
      current.set("status", status(current));
      return current;
    }, Registry.Part.STATUS, WriteOptions.DEFAULT);
    LOG.info("[{}] customresourcedefinition {}: status written", nodeId, name);
    return true;
  }

  /**
   * The status a definition should have: its names accepted (unless a built-in type has them),
   * Established, the storage version among storedVersions, and Terminating while it is being
   * deleted. Conditions keep their lastTransitionTime while their status stays.
   */
  ObjectNode status(JsonNode crd) {
    ObjectNode st = crd.path("status") instanceof ObjectNode s ? s.deepCopy()
        : JsonNodeFactory.instance.objectNode();
    Optional<CrdDefinition> parsed = CrdDefinition.parse(crd);
    if (parsed.isEmpty()) {
      return st;
    }
    CrdDefinition d = parsed.get();
    ArrayNode conditions = st.withArrayProperty("conditions");
    String taken = d.versions().stream().map(d::type).filter(types::isBuiltIn)
        .map(ResourceType::resource).findFirst().orElse(null);
    if (taken != null) {
      condition(conditions, "NamesAccepted", "False", "NameConflict",
          "\"" + taken + "\" is already in use");
      condition(conditions, "Established", "False", "NotAccepted",
          "not all names are accepted");
    } else {
      CrdDefinition.Names n = d.names();
      ObjectNode accepted = st.putObject("acceptedNames");
      accepted.put("plural", n.plural());
      accepted.put("singular", n.singular());
      if (!n.shortNames().isEmpty()) {
        n.shortNames().forEach(accepted.putArray("shortNames")::add);
      }
      accepted.put("kind", n.kind());
      accepted.put("listKind", n.listKind());
      if (!n.categories().isEmpty()) {
        n.categories().forEach(accepted.putArray("categories")::add);
      }
      condition(conditions, "NamesAccepted", "True", "NoConflicts", "no conflicts found");
      condition(conditions, "Established", "True", "InitialNamesAccepted",
          "the initial names have been accepted");
    }
    if (d.terminating()) {
      condition(conditions, "Terminating", "True", "InstanceDeletionInProgress",
          "CustomResource deletion is in progress");
    }
    ArrayNode stored = st.withArrayProperty("storedVersions");
    String storage = d.storage().name();
    boolean has = false;
    for (JsonNode v : stored) {
      has |= v.asText().equals(storage);
    }
    if (!has) {
      stored.add(storage);
    }
    return st;
  }

  private void condition(ArrayNode conditions, String type, String status, String reason,
      String message) {
    ObjectNode c = null;
    for (JsonNode n : conditions) {
      if (n instanceof ObjectNode o && type.equals(o.path("type").asText())) {
        c = o;
      }
    }
    if (c == null) {
      c = conditions.addObject();
      c.put("type", type);
    }
    if (!status.equals(c.path("status").asText()) || !c.has("lastTransitionTime")) {
      c.put("lastTransitionTime",
          Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    }
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", message);
  }

  /**
   * Deletes the objects of a definition being deleted; once none is left, removes the cleanup
   * finalizer, and the definition goes. Objects that wait for finalizers of their own are
   * waited for (the next passes look again).
   */
  private boolean cleanUp(JsonNode crd, String name) {
    if (!hasFinalizer(crd)) {
      return false;
    }
    Optional<CrdDefinition> d = CrdDefinition.parse(crd);
    if (d.isPresent()) {
      ResourceType t = d.get().type(d.get().storage());
      if (!types.isBuiltIn(t)) { // never a built-in type's objects
        ObjectNode list = registry.list(t, null, ListOptions.ALL);
        int left = list.path("items").size();
        for (JsonNode item : list.path("items")) {
          JsonNode meta = item.path("metadata");
          if (meta.has("deletionTimestamp")) {
            continue;
          }
          try {
            registry.delete(t, meta.path("namespace").asText(null), meta.path("name").asText(),
                Registry.DeleteOptions.DEFAULT, WriteOptions.DEFAULT);
          } catch (ApiException e) {
            if (e.code() != 404) {
              throw e;
            }
          }
        }
        if (left > 0) {
          LOG.info("[{}] customresourcedefinition {}: deleting {} objects", nodeId, name, left);
          return true;
        }
      }
    }
    registry.patch(crdType, null, name, current -> {
      ArrayNode f = current.withObjectProperty("metadata").withArrayProperty("finalizers");
      for (int i = f.size() - 1; i >= 0; i--) {
        if (f.get(i).asText().equals(CrdHooks.CLEANUP_FINALIZER)) {
          f.remove(i);
        }
      }
      return current;
    }, Registry.Part.MAIN, WriteOptions.DEFAULT);
    LOG.info("[{}] customresourcedefinition {}: objects gone, finalizer removed", nodeId, name);
    return true;
  }

  private static boolean hasFinalizer(JsonNode crd) {
    for (JsonNode f : crd.path("metadata").path("finalizers")) {
      if (f.asText().equals(CrdHooks.CLEANUP_FINALIZER)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    loop.close();
    CacheWatcher w = watcher;
    if (w != null) {
      w.close();
    }
  }
}
