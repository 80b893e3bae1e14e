package dev.keelson.admission.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.admission.resources.PodResources;
import dev.keelson.admission.resources.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one object counts against a ResourceQuota, by the quota's resource names, as
 * Kubernetes' quota evaluators count it:
 * <ul>
 *   <li>every object: {@code count/<resource>[.<group>]};
 *   <li>core objects: their plain count ({@code pods}, {@code services}, {@code configmaps},
 *       {@code secrets}, {@code persistentvolumeclaims}, {@code replicationcontrollers},
 *       {@code resourcequotas});
 *   <li>pods that have not finished: {@code requests.<r>} and {@code limits.<r>} (and bare
 *       {@code cpu}, {@code memory}, {@code ephemeral-storage} for requests), with the pod's
 *       totals (see {@link PodResources}); a finished pod (Succeeded, Failed) counts nothing
 *       but {@code count/pods};
 *   <li>services: {@code services.loadbalancers}, {@code services.nodeports};
 *   <li>claims: {@code requests.storage}, and per storage class
 *       {@code <class>.storageclass.storage.k8s.io/requests.storage} and
 *       {@code .../persistentvolumeclaims}.
 * </ul>
 */
public final class QuotaUsage {
  private static final Set<String> CORE_COUNTED = Set.of("pods", "services", "configmaps",
      "secrets", "persistentvolumeclaims", "replicationcontrollers", "resourcequotas");
  private static final Set<String> BARE = Set.of("cpu", "memory", "ephemeral-storage");
  private static final Quantity ONE = Quantity.parse("1");

  private QuotaUsage() {}

  /** The usage of {@code obj}, a {@code resource} of {@code group} ("" for core). */
  public static Map<String, Quantity> of(String group, String resource, JsonNode obj) {
    Map<String, Quantity> u = new TreeMap<>();
    u.put(group.isEmpty() ? "count/" + resource : "count/" + resource + "." + group, ONE);
    if (!group.isEmpty()) {
      return u;
    }
    if (resource.equals("pods") && finished(obj)) {
      return u;
    }
    if (CORE_COUNTED.contains(resource)) {
      u.put(resource, ONE);
    }
    JsonNode spec = obj.path("spec");
    switch (resource) {
      case "pods" -> {
        PodResources.total(spec, "requests").forEach((r, q) -> {
          u.put("requests." + r, q);
          if (BARE.contains(r)) {
            u.put(r, q);
          }
        });
        PodResources.total(spec, "limits").forEach((r, q) -> u.put("limits." + r, q));
      }
      case "services" -> {
        String type = spec.path("type").asText("ClusterIP");
        if (type.equals("LoadBalancer")) {
          u.put("services.loadbalancers", ONE);
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
          u.put("services.nodeports", Quantity.parse(Integer.toString(spec.path("ports")
              .size())));
        }
      }
      case "persistentvolumeclaims" -> {
        Quantity storage = Quantity.parseOrNull(spec.path("resources").path("requests")
            .path("storage").asText(""));
        if (storage != null) {
          u.put("requests.storage", storage);
        }
        String sc = spec.path("storageClassName").asText("");
        if (!sc.isEmpty()) {
          String prefix = sc + ".storageclass.storage.k8s.io/";
          u.put(prefix + "persistentvolumeclaims", ONE);
          if (storage != null) {
            u.put(prefix + "requests.storage", storage);
          }
        }
      }
      default -> { }
    }
    return u;
  }

  /** A pod that has run to completion holds nothing. */
  static boolean finished(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /**
   * Whether {@code quota} tracks {@code obj}: a quota with scopes (or a scopeSelector) tracks
   * only pods in every one of its scopes (Terminating, NotTerminating, BestEffort,
   * NotBestEffort, PriorityClass); a quota without tracks everything.
   */
  public static boolean inScope(JsonNode quota, String group, String resource, JsonNode obj) {
    List<Scope> scopes = scopes(quota);
    if (scopes.isEmpty()) {
      return true;
    }
    if (!group.isEmpty() || !resource.equals("pods")) {
      return false;
    }
    for (Scope s : scopes) {
      if (!s.matches(obj)) {
        return false;
      }
    }
    return true;
  }

  private record Scope(String name, String operator, List<String> values) {
    boolean matches(JsonNode pod) {
      JsonNode spec = pod.path("spec");
      boolean in = switch (name) {
        case "Terminating" -> spec.has("activeDeadlineSeconds");
        case "NotTerminating" -> !spec.has("activeDeadlineSeconds");
        case "BestEffort" -> bestEffort(spec);
        case "NotBestEffort" -> !bestEffort(spec);
        case "PriorityClass" -> {
          String pc = spec.path("priorityClassName").asText("");
          yield switch (operator) {
            case "In" -> values.contains(pc);
            case "NotIn" -> !values.contains(pc);
            case "DoesNotExist" -> pc.isEmpty();
            default -> !pc.isEmpty();
          };
        }
        default -> false;
      };
      return name.equals("PriorityClass") || !operator.equals("DoesNotExist") ? in : !in;
    }
  }

  private static List<Scope> scopes(JsonNode quota) {
    List<Scope> out = new ArrayList<>();
    for (JsonNode s : quota.path("spec").path("scopes")) {
      out.add(new Scope(s.asText(), "Exists", List.of()));
    }
    for (JsonNode e : quota.path("spec").path("scopeSelector").path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      out.add(new Scope(e.path("scopeName").asText(), e.path("operator").asText("Exists"),
          values));
    }
    return out;
  }

  /** No container requests or limits cpu or memory. */
  private static boolean bestEffort(JsonNode spec) {
    for (String kind : List.of("requests", "limits")) {
      Map<String, Quantity> t = PodResources.total(spec, kind);
      if (t.containsKey("cpu") || t.containsKey("memory")) {
        return false;
      }
    }
    return true;
  }
}
