package dev.keelson.admission.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionEffects.CompanionWrite;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.ChargingAdmission;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.resources.PodResources;
import dev.keelson.admission.resources.Quantity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes' ResourceQuota plugin: a new object is admitted only if, for every quota of its
 * namespace that tracks it, {@code status.used} plus what the object uses stays within
 * {@code spec.hard}; else 403 "exceeded quota". The charge is the quota with its new
 * {@code status.used}, attached as a companion write: the store makes it in the object's own
 * transaction, only if the quota is unchanged since it was read. So two masters that admit
 * against the same quota cannot both succeed on the same usage: one write fails, and the
 * registry runs this plugin again on the fresher quota. A charge exists exactly when its object
 * does; the quota controller gives usage back when objects go.
 *
 * <p>A quota whose {@code status.hard} does not name a resource yet (the controller has not
 * seen it) refuses objects that use that resource, as Kubernetes does. Only creates are charged
 * (a pod's resources cannot change after it is created).
 */
public final class ResourceQuotaAdmission implements ChargingAdmission {
  private static final List<String> COMPUTE = List.of("cpu", "memory", "ephemeral-storage");

  private final ObjectReader reader;

  public ResourceQuotaAdmission(ObjectReader reader) {
    this.reader = reader;
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (r.operation() != Operation.CREATE || !r.subresource().isEmpty() || r.object() == null
        || r.namespace().isEmpty()) {
      return;
    }
    List<ObjectNode> quotas = new ArrayList<>(reader.list("", "resourcequotas", r.namespace()));
    if (quotas.isEmpty()) {
      return;
    }
    quotas.sort(Comparator.comparing(q -> q.path("metadata").path("name").asText()));
    Map<String, Quantity> usage = QuotaUsage.of(r.group(), r.resource(), r.object());
    for (ObjectNode quota : quotas) {
      if (QuotaUsage.inScope(quota, r.group(), r.resource(), r.object())) {
        charge(r, quota, usage);
      }
    }
  }

  private static void charge(AdmissionRequest r, ObjectNode quota, Map<String, Quantity> usage) {
    String name = quota.path("metadata").path("name").asText();
    JsonNode hard = quota.path("spec").path("hard");
    if (r.group().isEmpty() && r.resource().equals("pods")) {
      requireSpecified(r, name, hard);
    }
    Map<String, Quantity> requested = new TreeMap<>();
    usage.forEach((res, q) -> {
      if (hard.has(res)) {
        requested.put(res, q);
      }
    });
    if (requested.isEmpty()) {
      return;
    }
    JsonNode known = quota.path("status").path("hard");
    JsonNode used = quota.path("status").path("used");
    Map<String, Quantity> next = new TreeMap<>();
    List<String> exceeded = new ArrayList<>();
    for (Map.Entry<String, Quantity> e : requested.entrySet()) {
      String res = e.getKey();
      if (!known.has(res)) {
        throw AdmissionException.forbidden(r, "status unknown for quota: " + name
            + ", resource: " + res);
      }
      Quantity now = quantity(used.path(res));
      Quantity after = now.add(e.getValue());
      next.put(res, after);
      if (after.compareTo(quantity(hard.path(res))) > 0) {
        exceeded.add(res);
      }
    }
    if (!exceeded.isEmpty()) {
      throw AdmissionException.forbidden(r, "exceeded quota: " + name
          + ", requested: " + list(exceeded, requested) + ", used: "
          + list(exceeded, values(used, exceeded)) + ", limited: "
          + list(exceeded, values(hard, exceeded)));
    }
    ObjectNode charged = quota.deepCopy();
    ObjectNode newUsed = charged.withObjectProperty("status").withObjectProperty("used");
    next.forEach((res, q) -> newUsed.put(res, q.toString()));
    long rv = Long.parseLong(quota.path("metadata").path("resourceVersion").asText("0"));
    r.effects().attach(new CompanionWrite("", "resourcequotas", r.namespace(), name, charged,
        rv));
  }

  /**
   * A quota on a compute resource needs every container to say how much of it it requests
   * (or limits), else the pod cannot be counted: Kubernetes refuses it.
   */
  private static void requireSpecified(AdmissionRequest r, String quota, JsonNode hard) {
    List<String> missing = new ArrayList<>();
    for (String kind : List.of("requests", "limits")) {
      for (String res : COMPUTE) {
        String name = kind + "." + res;
        boolean needed = hard.has(name) || (kind.equals("requests") && hard.has(res));
        if (!needed) {
          continue;
        }
        List<String> containers = new ArrayList<>();
        for (String field : List.of("initContainers", "containers")) {
          for (JsonNode c : r.object().path("spec").path(field)) {
            if (!PodResources.of(c, kind).containsKey(res)) {
              containers.add(c.path("name").asText());
            }
          }
        }
        if (!containers.isEmpty()) {
          missing.add(name + " for: " + String.join(",", containers));
        }
      }
    }
    if (!missing.isEmpty()) {
      throw AdmissionException.forbidden(r, "failed quota: " + quota + ": must specify "
          + String.join("; ", missing));
    }
  }

  private static Quantity quantity(JsonNode n) {
    Quantity q = n.isMissingNode() || n.isNull() ? null : Quantity.parseOrNull(n.asText());
    return q == null ? Quantity.ZERO : q;
  }

  private static Map<String, Quantity> values(JsonNode list, List<String> names) {
    Map<String, Quantity> out = new TreeMap<>();
    for (String n : names) {
      out.put(n, quantity(list.path(n)));
    }
    return out;
  }

  /** "pods=1,requests.cpu=500m", in the order of {@code names}. */
  private static String list(List<String> names, Map<String, Quantity> values) {
    List<String> parts = new ArrayList<>();
    for (String n : names) {
      parts.add(n + "=" + values.get(n));
    }
    return String.join(",", parts);
  }
}
