package dev.keelson.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current RBAC objects as a watch on the four RBAC resources delivers them, and the
 * {@link RbacPolicy} snapshot built from them.
 *
 * <p>Writes ({@link #put}, {@link #remove}, {@link #replaceAll}) change the object map and mark
 * the snapshot stale; the next {@link #current()} (or {@link #refresh()}, which a watch loop may
 * call once it has applied a batch of events) rebuilds it from all objects and publishes it
 * through a volatile field. A burst of events costs one rebuild, and readers never lock while
 * the snapshot is fresh. A rebuild of a few thousand objects takes milliseconds.
 *
 * <p>Thread safety: any thread may call any method. {@code lock} guards {@code objects} and the
 * writes of {@code snapshot}; {@code snapshot} is read without it.
 */
public final class RbacCache {
  private static final Logger LOG = LoggerFactory.getLogger(RbacCache.class);

  private final Object lock = new Object();
  /** Guarded by {@code lock}. */
  private final Map<RbacObject.Key, RbacObject> objects = new HashMap<>();
  /** The snapshot of {@code objects}, or null when they changed since it was built. */
  private volatile RbacPolicy snapshot = RbacPolicy.EMPTY;

  /**
   * Adds or replaces the object in {@code obj} (an ADDED or MODIFIED watch event).
   *
   * @return the object as parsed
   * @throws InvalidRbacObjectException if {@code obj} is not a valid RBAC object; the cache is
   *     unchanged then
   */
  public RbacObject put(JsonNode obj) {
    RbacObject o = RbacJson.parse(obj);
    put(o);
    return o;
  }

  /** Adds or replaces {@code o}. */
  public void put(RbacObject o) {
    synchronized (lock) {
      objects.put(o.key(), o);
      snapshot = null;
    }
  }

  /**
   * Removes the object (a DELETED watch event).
   *
   * @return whether there was such an object
   */
  public boolean remove(RbacKind kind, String namespace, String name) {
    synchronized (lock) {
      boolean removed = objects.remove(new RbacObject.Key(kind, namespace, name)) != null;
      if (removed) {
        snapshot = null;
      }
      return removed;
    }
  }

  /**
   * Replaces every object by those in {@code objs} (the initial list, or a relist after the watch
   * was lost).
   *
   * @throws InvalidRbacObjectException if one of them is invalid; the cache is unchanged then
   */
  public void replaceAll(Collection<? extends JsonNode> objs) {
    List<RbacObject> parsed = new ArrayList<>(objs.size());
    for (JsonNode n : objs) {
      parsed.add(RbacJson.parse(n));
    }
    synchronized (lock) {
      objects.clear();
      for (RbacObject o : parsed) {
        objects.put(o.key(), o);
      }
      snapshot = null;
    }
  }

  /**
   * Replaces every object by {@code objs}, already parsed (a watch-fed cache that skips the
   * invalid ones itself).
   */
  public void replaceObjects(Collection<? extends RbacObject> objs) {
    synchronized (lock) {
      objects.clear();
      for (RbacObject o : objs) {
        objects.put(o.key(), o);
      }
      snapshot = null;
    }
  }

  /** The snapshot of the current objects, rebuilt first if they changed. */
  public RbacPolicy current() {
    RbacPolicy p = snapshot;
    return p != null ? p : refresh();
  }

  /** Rebuilds the snapshot now if the objects changed since the last one; returns it. */
  public RbacPolicy refresh() {
    synchronized (lock) {
      RbacPolicy p = snapshot;
      if (p == null) {
        long start = System.nanoTime();
        p = RbacPolicy.of(objects.values());
        snapshot = p;
        LOG.debug("RBAC snapshot rebuilt: {} objects in {} us", p.size(),
            (System.nanoTime() - start) / 1000);
      }
      return p;
    }
  }

  public int size() {
    synchronized (lock) {
      return objects.size();
    }
  }
}
