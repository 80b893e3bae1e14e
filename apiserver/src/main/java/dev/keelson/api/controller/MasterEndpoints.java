package dev.keelson.api.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ListOptions;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.WriteOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code default/kubernetes} pointing at the live masters. Every master renews a Lease of
 * its own ({@code kube-system/keelson-master-<id>}, labelled
 * {@code keelson.dev/master-lease}, its API address in an annotation); the master that leads
 * Raft writes the {@code kubernetes} Service and its Endpoints from the leases renewed within
 * their duration. A master that stops renewing drops out of the endpoints after
 * {@link #LEASE_SECONDS}.
 */
public final class MasterEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(MasterEndpoints.class);
  static final int LEASE_SECONDS = 15;
  static final String LABEL = "keelson.dev/master-lease";
  static final String ADDRESS = "keelson.dev/api-address";

  private final String nodeId;
  private final String host;
  private final int port;
  private final Registry registry;
  private final ObjectMapper json;
  private final Clock clock;
  private final ResourceType leases;
  private final ResourceType services;
  private final ResourceType endpoints;

  public MasterEndpoints(String nodeId, String host, int port, Registry registry,
      ResourceTypes types, ObjectMapper json, Clock clock) {
    this.nodeId = nodeId;
    this.host = host;
    this.port = port;
    this.registry = registry;
    this.json = json;
    this.clock = clock;
    this.leases = types.find("coordination.k8s.io", "v1", "leases").orElseThrow();
    this.services = types.find("", "v1", "services").orElseThrow();
    this.endpoints = types.find("", "v1", "endpoints").orElseThrow();
  }

  private String leaseName() {
    return "keelson-master-" + nodeId;
  }

  private String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.MICROS));
  }

  /** Renews this master's lease (creating it the first time). */
  public void renew() {
    try {
      registry.patch(leases, "kube-system", leaseName(), o -> {
        ObjectNode spec = o.withObjectProperty("spec");
        spec.put("renewTime", now());
        o.withObjectProperty("metadata").withObjectProperty("annotations")
            .put(ADDRESS, host + ":" + port);
        return o;
      }, Registry.Part.MAIN, WriteOptions.DEFAULT);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
      ObjectNode lease = json.createObjectNode();
      lease.put("apiVersion", "coordination.k8s.io/v1");
      lease.put("kind", "Lease");
      ObjectNode meta = lease.putObject("metadata");
      meta.put("name", leaseName());
      meta.putObject("labels").put(LABEL, "true");
      meta.putObject("annotations").put(ADDRESS, host + ":" + port);
      ObjectNode spec = lease.putObject("spec");
      spec.put("holderIdentity", nodeId);
      spec.put("leaseDurationSeconds", LEASE_SECONDS);
      spec.put("acquireTime", now());
      spec.put("renewTime", now());
      try {
        registry.create(leases, "kube-system", lease, WriteOptions.DEFAULT);
      } catch (ApiException exists) {
        if (exists.code() != 409) {
          throw exists;
        }
      }
    }
  }

  /** The leader's step: the Service and Endpoints from the live leases. */
  public void reconcile() {
    ObjectNode list = registry.list(leases, "kube-system", new ListOptions(LABEL, null, 0, null,
        "0", null));
    Instant now = Instant.now(clock);
    Map<Integer, TreeSet<String>> byPort = new TreeMap<>();
    for (JsonNode l : list.path("items")) {
      String renewed = l.path("spec").path("renewTime").asText("");
      long duration = l.path("spec").path("leaseDurationSeconds").asLong(LEASE_SECONDS);
      String address = l.path("metadata").path("annotations").path(ADDRESS).asText("");
      int colon = address.lastIndexOf(':');
      if (renewed.isEmpty() || colon < 0) {
        continue;
      }
      if (Instant.parse(renewed).plus(Duration.ofSeconds(duration)).isBefore(now)) {
        continue; // expired: that master is gone
      }
      byPort.computeIfAbsent(Integer.parseInt(address.substring(colon + 1)),
          p -> new TreeSet<>()).add(address.substring(0, colon));
    }
    ensureService();
    ObjectNode desired = json.createObjectNode();
    ArrayNode subsets = desired.putArray("subsets");
    byPort.forEach((p, ips) -> {
      ObjectNode s = subsets.addObject();
      ArrayNode addrs = s.putArray("addresses");
      ips.forEach(ip -> addrs.addObject().put("ip", ip));
      ObjectNode port = s.putArray("ports").addObject();
      port.put("name", "https");
      port.put("port", p);
      port.put("protocol", "TCP");
    });
    try {
      registry.patch(endpoints, "default", "kubernetes", o -> {
        if (!o.path("subsets").equals(desired.path("subsets"))) {
          o.set("subsets", desired.get("subsets"));
        }
        return o;
      }, Registry.Part.MAIN, WriteOptions.DEFAULT);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
      ObjectNode ep = desired.deepCopy();
      ep.put("apiVersion", "v1");
      ep.put("kind", "Endpoints");
      ep.putObject("metadata").put("name", "kubernetes");
      registry.create(endpoints, "default", ep, WriteOptions.DEFAULT);
      LOG.info("[{}] created default/kubernetes endpoints", nodeId);
    }
  }

  private void ensureService() {
    try {
      registry.get(services, "default", "kubernetes", "0");
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
      ObjectNode svc = json.createObjectNode();
      svc.put("apiVersion", "v1");
      svc.put("kind", "Service");
      ObjectNode meta = svc.putObject("metadata");
      meta.put("name", "kubernetes");
      ObjectNode labels = meta.putObject("labels");
      labels.put("component", "apiserver");
      labels.put("provider", "kubernetes");
      ObjectNode spec = svc.putObject("spec");
      spec.put("type", "ClusterIP");
      ObjectNode port = spec.putArray("ports").addObject();
      port.put("name", "https");
      port.put("port", 443);
      port.put("protocol", "TCP");
      port.put("targetPort", this.port);
      try {
        registry.create(services, "default", svc, WriteOptions.DEFAULT);
      } catch (ApiException exists) {
        if (exists.code() != 409) {
          throw exists;
        }
      }
    }
  }
}
