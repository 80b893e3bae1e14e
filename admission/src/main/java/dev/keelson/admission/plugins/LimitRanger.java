package dev.keelson.admission.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.MutatingAdmission;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.ValidatingAdmission;
import dev.keelson.admission.resources.PodResources;
import dev.keelson.admission.resources.Quantity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kubernetes' LimitRanger plugin, for the LimitRange objects of a pod's or a claim's namespace.
 * Mutating: a new pod's containers get the {@code Container} items' default requests and limits
 * for resources they leave unset (noted in the {@code kubernetes.io/limit-ranger} annotation).
 * Validating: a new pod's containers, the pod as a whole, and a new claim's storage request stay
 * within each item's min, max and maxLimitRequestRatio, else 403 with Kubernetes' message.
 * Items are read with Kubernetes' LimitRange defaulting: a Container item's default limit falls
 * back to its max, its default request to the default limit, then to its min. Updates are not
 * checked (a pod's resources do not change after it is created).
 */
public final class LimitRanger implements MutatingAdmission, ValidatingAdmission {
  /** The annotation that says what the plugin set. */
  public static final String ANNOTATION = "kubernetes.io/limit-ranger";

  private final ObjectReader reader;

  public LimitRanger(ObjectReader reader) {
    this.reader = reader;
  }

  private static boolean isCreateOf(AdmissionRequest r, String resource) {
    return r.operation() == Operation.CREATE && r.group().isEmpty()
        && r.resource().equals(resource) && r.subresource().isEmpty() && r.object() != null;
  }

  /**
   * The namespace's LimitRange items by type (Container, Pod, PersistentVolumeClaim), each with
   * its defaults filled in: one read of the namespace's LimitRanges per call.
   */
  private Map<String, List<Item>> items(String namespace) {
    Map<String, List<Item>> out = new TreeMap<>();
    for (ObjectNode lr : reader.list("", "limitranges", namespace)) {
      for (JsonNode i : lr.path("spec").path("limits")) {
        out.computeIfAbsent(i.path("type").asText(), t -> new ArrayList<>()).add(Item.of(i));
      }
    }
    return out;
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!isCreateOf(r, "pods")) {
      return;
    }
    List<Item> items = items(r.namespace()).getOrDefault("Container", List.of());
    if (items.isEmpty()) {
      return;
    }
    List<String> notes = new ArrayList<>();
    ObjectNode spec = r.object().withObjectProperty("spec");
    for (String field : List.of("containers", "initContainers")) {
      String what = field.equals("containers") ? "container" : "init container";
      for (JsonNode c : spec.path(field)) {
        if (!(c instanceof ObjectNode container)) {
          continue;
        }
        Set<String> requests = new LinkedHashSet<>();
        Set<String> limits = new LinkedHashSet<>();
        for (Item item : items) {
          fill(container, "limits", item.defaultLimit, limits);
          fill(container, "requests", item.defaultRequest, requests);
        }
        String name = container.path("name").asText();
        if (!requests.isEmpty()) {
          notes.add(String.join(", ", requests) + " request for " + what + " " + name);
        }
        if (!limits.isEmpty()) {
          notes.add(String.join(", ", limits) + " limit for " + what + " " + name);
        }
      }
    }
    if (!notes.isEmpty()) {
      r.object().withObjectProperty("metadata").withObjectProperty("annotations")
          .put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
    }
  }

  /** Sets each default the container leaves unset; names what it set in {@code set}. */
  private static void fill(ObjectNode container, String kind, Map<String, Quantity> defaults,
      Set<String> set) {
    if (defaults.isEmpty()) {
      return;
    }
    ObjectNode values = container.withObjectProperty("resources").withObjectProperty(kind);
    defaults.forEach((resource, q) -> {
      if (!values.has(resource)) {
        values.put(resource, q.toString());
        set.add(resource);
      }
    });
  }

  @Override
  public void validate(AdmissionRequest r) {
    List<String> errors = new ArrayList<>();
    boolean pod = isCreateOf(r, "pods");
    if (!pod && !isCreateOf(r, "persistentvolumeclaims")) {
      return;
    }
    Map<String, List<Item>> items = items(r.namespace());
    if (pod) {
      JsonNode spec = r.object().path("spec");
      for (Item item : items.getOrDefault("Container", List.of())) {
        for (String field : List.of("initContainers", "containers")) {
          for (JsonNode c : spec.path(field)) {
            item.check("Container", PodResources.of(c, "requests"), PodResources.of(c, "limits"),
                errors);
          }
        }
      }
      for (Item item : items.getOrDefault("Pod", List.of())) {
        item.check("Pod", PodResources.total(spec, "requests"),
            PodResources.total(spec, "limits"), errors);
      }
    } else {
      JsonNode resources = r.object().path("spec").path("resources");
      for (Item item : items.getOrDefault("PersistentVolumeClaim", List.of())) {
        item.check("PersistentVolumeClaim", quantities(resources.path("requests")),
            quantities(resources.path("limits")), errors);
      }
    }
    if (!errors.isEmpty()) {
      String why = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
      throw AdmissionException.forbidden(r, why);
    }
  }

  private static Map<String, Quantity> quantities(JsonNode list) {
    Map<String, Quantity> out = new TreeMap<>();
    list.fields().forEachRemaining(e -> {
      Quantity q = Quantity.parseOrNull(e.getValue().asText());
      if (q != null) {
        out.put(e.getKey(), q);
      }
    });
    return out;
  }

  /** One item of a LimitRange's spec.limits, defaulted. */
  private record Item(Map<String, Quantity> min, Map<String, Quantity> max,
      Map<String, Quantity> defaultLimit, Map<String, Quantity> defaultRequest,
      Map<String, Quantity> ratio) {

    static Item of(JsonNode i) {
      Map<String, Quantity> min = quantities(i.path("min"));
      Map<String, Quantity> max = quantities(i.path("max"));
      Map<String, Quantity> def = quantities(i.path("default"));
      Map<String, Quantity> defReq = quantities(i.path("defaultRequest"));
      if (i.path("type").asText().equals("Container")) {
        max.forEach(def::putIfAbsent);
        def.forEach(defReq::putIfAbsent);
        min.forEach(defReq::putIfAbsent);
      }
      return new Item(min, max, def, defReq, quantities(i.path("maxLimitRequestRatio")));
    }

    /** Adds to {@code errors} what {@code requests} and {@code limits} break, in kube's words. */
    void check(String type, Map<String, Quantity> requests, Map<String, Quantity> limits,
        List<String> errors) {
      min.forEach((res, enforced) -> {
        Quantity req = requests.get(res);
        Quantity lim = limits.get(res);
        if (req == null) {
          errors.add("minimum " + res + " usage per " + type + " is " + enforced
              + ".  No request is specified");
        } else if (req.compareTo(enforced) < 0) {
          errors.add("minimum " + res + " usage per " + type + " is " + enforced
              + ", but request is " + req);
        } else if (lim != null && lim.compareTo(enforced) < 0) {
          errors.add("minimum " + res + " usage per " + type + " is " + enforced
              + ", but limit is " + lim);
        }
      });
      max.forEach((res, enforced) -> {
        Quantity req = requests.get(res);
        Quantity lim = limits.get(res);
        if (lim == null) {
          errors.add("maximum " + res + " usage per " + type + " is " + enforced
              + ".  No limit is specified");
        } else if (lim.compareTo(enforced) > 0) {
          errors.add("maximum " + res + " usage per " + type + " is " + enforced
              + ", but limit is " + lim);
        } else if (req != null && req.compareTo(enforced) > 0) {
          errors.add("maximum " + res + " usage per " + type + " is " + enforced
              + ", but request is " + req);
        }
      });
      ratio.forEach((res, enforced) -> {
        Quantity req = requests.get(res);
        Quantity lim = limits.get(res);
        String head = res + " max limit to request ratio per " + type + " is " + enforced;
        if (req == null || req.isZero()) {
          errors.add(head + ", but no request is specified or request is 0");
        } else if (lim == null) {
          errors.add(head + ", but no limit is specified");
        } else {
          BigDecimal observed = lim.value().divide(req.value(), MathContext.DECIMAL64);
          if (observed.compareTo(enforced.value()) > 0) {
            errors.add(head + ", but provided ratio is "
                + observed.setScale(6, java.math.RoundingMode.HALF_UP).toPlainString());
          }
        }
      });
    }
  }
}
