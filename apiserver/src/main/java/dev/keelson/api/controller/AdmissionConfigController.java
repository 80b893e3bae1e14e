package dev.keelson.api.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.cache.CachedObject;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this master's dynamic admission in step with the store: whenever a webhook
 * configuration, a ValidatingAdmissionPolicy or a binding is created, changed or deleted, the
 * whole current set (from this master's watch cache) is handed to {@code apply}, without a
 * restart. Runs on every master; woken by the events of the four types, and every
 * {@link #PERIOD_MS}.
 */
public final class AdmissionConfigController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionConfigController.class);
  private static final long PERIOD_MS = 5_000;
  private static final String GROUP = "admissionregistration.k8s.io";

  /** The objects of each of the four types, each list sorted by name. */
  public record Configs(List<ObjectNode> mutatingWebhooks, List<ObjectNode> validatingWebhooks,
      List<ObjectNode> policies, List<ObjectNode> bindings) {
  }

  private final String nodeId;
  private final WatchCache cache;
  private final Consumer<Configs> apply;
  private final List<ResourceType> kinds = new ArrayList<>();
  private final List<WakingWatch> watches = new ArrayList<>();
  private final ControllerLoop loop;
  /** What the last pass applied: the keys and revisions of every object, in order. */
  private String applied;

  public AdmissionConfigController(String nodeId, WatchCache cache, ResourceTypes types,
      Consumer<Configs> apply) {
    this.nodeId = nodeId;
    this.cache = cache;
    this.apply = apply;
    this.loop = new ControllerLoop("admission-config-" + nodeId, this::runOnce, PERIOD_MS);
    for (String r : List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations",
        "validatingadmissionpolicies", "validatingadmissionpolicybindings")) {
      ResourceType t = types.find(GROUP, "v1", r).orElseThrow();
      kinds.add(t);
      watches.add(new WakingWatch(cache, t.listPrefix(null), loop));
    }
  }

  public AdmissionConfigController start() {
    loop.start();
    return this;
  }

  /** One pass: applies the current set if anything changed; returns whether it did. */
  public boolean runOnce() {
    watches.forEach(WakingWatch::drain);
    if (cache.revision() == 0) {
      return false; // not loaded yet
    }
    List<List<ObjectNode>> lists = new ArrayList<>();
    StringBuilder seen = new StringBuilder();
    for (ResourceType t : kinds) {
      List<ObjectNode> objects = new ArrayList<>();
      for (CachedObject o : cache.list(t.listPrefix(null), x -> true).items()) {
        objects.add(o.object());
        seen.append(o.key()).append('@').append(o.modRevision()).append(';');
      }
      lists.add(objects);
      seen.append('|');
    }
    String now = seen.toString();
    if (now.equals(applied)) {
      return false;
    }
    apply.accept(new Configs(lists.get(0), lists.get(1), lists.get(2), lists.get(3)));
    applied = now;
    LOG.info("[{}] admission configuration: {} mutating and {} validating webhook "
        + "configurations, {} policies, {} bindings", nodeId, lists.get(0).size(),
        lists.get(1).size(), lists.get(2).size(), lists.get(3).size());
    return true;
  }

  @Override
  public void close() {
    loop.close();
    watches.forEach(WakingWatch::close);
  }
}
