package dev.keelson.api.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ListOptions;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.WriteOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the bootstrap namespaces and empties namespaces being deleted: every object in a
 * terminating namespace is deleted, then the namespace's {@code kubernetes} finalizer is removed
 * and the namespace goes. Every write is conditional, so two masters running it at once only
 * cost a conflict; the master runs it while it leads.
 */
public final class NamespaceController {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceController.class);
  public static final List<String> BOOTSTRAP = List.of("default", "kube-system", "kube-public",
      "kube-node-lease");

  /**
   * Deletes in flight while a namespace is emptied. One at a time, each waits for its own Raft
   * round (a 250,000-object namespace went at ~70 objects/s); sixteen share entries.
   */
  static final int DELETE_PARALLELISM = 16;

  private final String nodeId;
  private final Registry registry;
  private final ResourceTypes types;
  private final ResourceType namespaces;
  private boolean bootstrapped;

  public NamespaceController(String nodeId, Registry registry, ResourceTypes types) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.types = types;
    this.namespaces = types.find("", "v1", "namespaces").orElseThrow();
  }

  /** One pass; returns whether it did anything. Throws when the store is unavailable. */
  public boolean runOnce() {
    boolean did = false;
    if (!bootstrapped) {
      for (String ns : BOOTSTRAP) {
        ObjectNode o = registry.decodeJson("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
            + "\"metadata\":{\"name\":\"" + ns + "\"}}");
        try {
          registry.create(namespaces, null, o, WriteOptions.DEFAULT);
          LOG.info("[{}] created namespace {}", nodeId, ns);
          did = true;
        } catch (ApiException e) {
          if (e.code() != 409) {
            throw e;
          }
        }
      }
      bootstrapped = true;
    }
    ObjectNode all = registry.list(namespaces, null, new ListOptions(null, null, 0, null, "0",
        null));
    for (JsonNode ns : all.path("items")) {
      if (ns.path("metadata").has("deletionTimestamp")) {
        did |= finalizeNamespace(ns.path("metadata").path("name").asText());
      }
    }
    return did;
  }

  private boolean finalizeNamespace(String name) {
    boolean left = false;
    for (ResourceType t : types.all()) {
      if (!t.namespaced()) {
        continue;
      }
      boolean[] waiting = {false};
      registry.deleteEach(t, name, ListOptions.ALL, Registry.DeleteOptions.DEFAULT,
          WriteOptions.DEFAULT, DELETE_PARALLELISM,
          o -> waiting[0] |= o.path("metadata").has("deletionTimestamp"));
      left |= waiting[0]; // an object waits for its finalizers
    }
    if (left) {
      return true;
    }
    registry.patch(namespaces, null, name, o -> {
      ArrayNode f = o.withObjectProperty("spec").withArrayProperty("finalizers");
      for (int i = f.size() - 1; i >= 0; i--) {
        if (f.get(i).asText().equals("kubernetes")) {
          f.remove(i);
        }
      }
      return o;
    }, Registry.Part.MAIN, WriteOptions.DEFAULT);
    LOG.info("[{}] namespace {} emptied and finalized", nodeId, name);
    return true;
  }
}
