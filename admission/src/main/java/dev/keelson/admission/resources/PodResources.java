package dev.keelson.admission.resources;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pod asks of a node, as Kubernetes' scheduler and quota count it: per resource, the
 * larger of the sum over its containers and the largest init container, plus the pod overhead.
 * Quantities that do not parse count as nothing (validation refuses them elsewhere).
 */
public final class PodResources {
  private PodResources() {}

  /** {@code kind} is "requests" or "limits". */
  public static Map<String, Quantity> total(JsonNode podSpec, String kind) {
    Map<String, Quantity> sum = new TreeMap<>();
    for (JsonNode c : podSpec.path("containers")) {
      of(c, kind).forEach((r, q) -> sum.merge(r, q, Quantity::add));
    }
    for (JsonNode c : podSpec.path("initContainers")) {
      of(c, kind).forEach((r, q) -> sum.merge(r, q, Quantity::max));
    }
    podSpec.path("overhead").fields().forEachRemaining(e -> {
      Quantity q = Quantity.parseOrNull(e.getValue().asText());
      if (q != null) {
        sum.merge(e.getKey(), q, Quantity::add);
      }
    });
    return sum;
  }

  /** One container's requests or limits. */
  public static Map<String, Quantity> of(JsonNode container, String kind) {
    Map<String, Quantity> out = new TreeMap<>();
    container.path("resources").path(kind).fields().forEachRemaining(e -> {
      Quantity q = Quantity.parseOrNull(e.getValue().asText());
      if (q != null) {
        out.put(e.getKey(), q);
      }
    });
    return out;
  }
}
