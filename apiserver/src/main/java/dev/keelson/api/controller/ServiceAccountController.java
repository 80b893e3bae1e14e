package dev.keelson.api.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.plugins.ServiceAccountAdmission;
import dev.keelson.api.cache.CachedObject;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.WriteOptions;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' service-account controller: on the leader, every namespace that is not being
 * deleted gets its {@code default} service account, created again if it is deleted. Woken by
 * namespace and service-account events, and once a second; {@link #runOnce()} is one pass.
 */
public final class ServiceAccountController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountController.class);
  private static final long PERIOD_MS = 1_000;

  private final String nodeId;
  private final Registry registry;
  private final WatchCache cache;
  private final BooleanSupplier leader;
  private final ResourceType namespaces;
  private final ResourceType accounts;
  private final ControllerLoop loop;
  private final WakingWatch nsWatch;
  private final WakingWatch saWatch;

  public ServiceAccountController(String nodeId, Registry registry, ResourceTypes types,
      BooleanSupplier leader) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.cache = registry.cache();
    this.leader = leader;
    this.namespaces = types.find("", "v1", "namespaces").orElseThrow();
    this.accounts = types.find("", "v1", "serviceaccounts").orElseThrow();
    this.loop = new ControllerLoop("sa-controller-" + nodeId, this::runOnce, PERIOD_MS);
    this.nsWatch = new WakingWatch(cache, namespaces.listPrefix(null), loop);
    this.saWatch = new WakingWatch(cache, accounts.listPrefix(null), loop);
  }

  public ServiceAccountController start() {
    loop.start();
    return this;
  }

  /** One pass: creates each missing {@code default} account; returns how many it created. */
  public int runOnce() {
    nsWatch.drain();
    saWatch.drain();
    if (!leader.getAsBoolean()) {
      return 0;
    }
    int created = 0;
    for (CachedObject o : cache.list(namespaces.listPrefix(null), x -> true).items()) {
      JsonNode meta = o.object().path("metadata");
      String ns = meta.path("name").asText();
      if (meta.has("deletionTimestamp")
          || cache.get(accounts.key(ns, ServiceAccountAdmission.DEFAULT)) != null) {
        continue;
      }
      ObjectNode sa = registry.decodeJson("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\","
          + "\"metadata\":{\"name\":\"" + ServiceAccountAdmission.DEFAULT + "\"}}");
      try {
        registry.create(accounts, ns, sa, WriteOptions.DEFAULT);
        created++;
        LOG.debug("[{}] created service account {}/default", nodeId, ns);
      } catch (ApiException e) {
        // 409: it exists after all; 403/404: the namespace went meanwhile
        if (e.code() != 409 && e.code() != 403 && e.code() != 404) {
          throw e;
        }
      }
    }
    return created;
  }

  @Override
  public void close() {
    loop.close();
    nsWatch.close();
    saWatch.close();
  }
}
