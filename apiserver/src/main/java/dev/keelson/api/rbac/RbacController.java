package dev.keelson.api.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.cache.CacheEvent;
import dev.keelson.api.cache.CacheWatcher;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.controller.ControllerLoop;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.WriteOptions;
import dev.keelson.auth.authz.Authorizer;
import dev.keelson.auth.rbac.BootstrapPolicy;
import dev.keelson.auth.rbac.InvalidRbacObjectException;
import dev.keelson.auth.rbac.RbacCache;
import dev.keelson.auth.rbac.RbacJson;
import dev.keelson.auth.rbac.RbacKind;
import dev.keelson.auth.rbac.RbacObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this master's {@link RbacCache} equal to the RBAC objects in its watch cache, so that
 * authorization never reads the store, and, on the leader, creates the bootstrap policy
 * ({@link BootstrapPolicy}) objects that are missing.
 *
 * <p>The cache follows a watch on every RBAC key: the first batch after the watch opens (the
 * current objects as ADDED events, and whatever followed) replaces the whole cache at once, so
 * a reopened watch never leaves deleted objects behind nor shows an empty policy in between;
 * later events are applied one by one, and each batch ends with one snapshot rebuild. An
 * object that does not parse (stored before validation existed, say) is skipped with a warning
 * and grants nothing. {@link #runOnce()} is one pass, for tests to drive.
 */
public final class RbacController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RbacController.class);
  static final String PREFIX = "/registry/" + RbacKind.GROUP + "/";
  private static final long PERIOD_MS = 1_000;
  private static final int BATCH = 10_000;

  private final String nodeId;
  private final Registry registry;
  private final WatchCache cache;
  private final BooleanSupplier leader;
  private final Map<RbacKind, ResourceType> typeOf = new LinkedHashMap<>();
  private final RbacCache rbac = new RbacCache();
  private final ControllerLoop loop;
  /** Loop thread only. */
  private CacheWatcher watcher;
  private volatile boolean synced;

  public RbacController(String nodeId, Registry registry, ResourceTypes types,
      BooleanSupplier leader) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.cache = registry.cache();
    this.leader = leader;
    for (RbacKind k : RbacKind.values()) {
      typeOf.put(k, types.find(RbacKind.GROUP, "v1", k.resource()).orElseThrow());
    }
    this.loop = new ControllerLoop("rbac-controller-" + nodeId, this::runOnce, PERIOD_MS);
  }

  /** The RBAC objects this master knows, as the authorizer reads them. */
  public RbacCache rbac() {
    return rbac;
  }

  /** Whether the cache has been filled once and the bootstrap bindings are in it. */
  public boolean ready() {
    return synced && rbac.current().clusterRole("cluster-admin").isPresent();
  }

  public RbacController start() {
    loop.start();
    return this;
  }

  /** One pass: follow the watch cache; on the leader, create missing bootstrap objects. */
  public void runOnce() {
    follow();
    if (synced && leader.getAsBoolean()) {
      ensureBootstrap();
    }
  }

  private void follow() {
    CacheWatcher w = watcher;
    boolean fresh = false;
    if (w == null || w.closed()) {
      try {
        w = cache.watch(PREFIX, o -> true, 0, BATCH, loop::wake);
      } catch (WatchCache.TooOldException e) {
        return; // the cache is (re)loading: the next pass tries again
      }
      watcher = w;
      fresh = true;
    }
    if (fresh) {
      Map<RbacObject.Key, RbacObject> all = new LinkedHashMap<>();
      for (List<CacheEvent> batch = w.poll(Integer.MAX_VALUE); !batch.isEmpty();
          batch = w.poll(Integer.MAX_VALUE)) {
        for (CacheEvent e : batch) {
          apply(e, all);
        }
      }
      rbac.replaceObjects(all.values());
      rbac.refresh();
      synced = true;
      LOG.info("[{}] RBAC cache loaded: {} objects", nodeId, all.size());
      return;
    }
    boolean changed = false;
    for (List<CacheEvent> batch = w.poll(BATCH); !batch.isEmpty(); batch = w.poll(BATCH)) {
      for (CacheEvent e : batch) {
        changed = true;
        if (e.type() == CacheEvent.Type.DELETED) {
          RbacObject gone = parse(e.key(), e.object());
          if (gone != null) {
            rbac.remove(gone.kind(), gone.namespace(), gone.name());
          }
        } else {
          RbacObject o = parse(e.key(), e.object());
          if (o != null) {
            rbac.put(o);
          }
        }
      }
    }
    if (changed) {
      rbac.refresh();
    }
  }

  private void apply(CacheEvent e, Map<RbacObject.Key, RbacObject> all) {
    RbacObject o = parse(e.key(), e.object());
    if (o == null) {
      return;
    }
    if (e.type() == CacheEvent.Type.DELETED) {
      all.remove(o.key());
    } else {
      all.put(o.key(), o);
    }
  }

  private RbacObject parse(String key, ObjectNode obj) {
    ResourceType t = registryType(key);
    if (t == null || obj == null) {
      return null;
    }
    try {
      return RbacJson.parse(RbacHooks.typed(t, obj));
    } catch (InvalidRbacObjectException ex) {
      LOG.warn("[{}] ignoring invalid RBAC object {}: {}", nodeId, key, ex.getMessage());
      return null;
    }
  }

  private ResourceType registryType(String key) {
    for (ResourceType t : typeOf.values()) {
      if (key.startsWith(t.storagePrefix())) {
        return t;
      }
    }
    return null;
  }

  /** Creates each bootstrap object this master's cache does not have. Leader only. */
  void ensureBootstrap() {
    for (ObjectNode o : BootstrapPolicy.json()) {
      RbacKind kind = RbacKind.of(o.path("kind").asText());
      ResourceType t = typeOf.get(kind);
      String name = o.path("metadata").path("name").asText();
      if (cache.get(t.key(null, name)) != null) {
        continue;
      }
      try {
        registry.create(t, null, o, WriteOptions.DEFAULT);
        LOG.info("[{}] created bootstrap {} {}", nodeId, kind.kindName(), name);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
    }
  }

  /** The authorizer over this master's RBAC objects. */
  public Authorizer authorizer() {
    return dev.keelson.auth.rbac.RbacAuthorizer.of(rbac);
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
