package dev.keelson.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ResourceType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The server-side printing kubectl asks for ({@code as=Table}): columns per type, as
 * {@code kubectl get} shows them (priority 1 columns only with {@code -o wide}), NAME and AGE
 * for the rest. Each row carries the object's metadata (includeObject=Metadata).
 */
final class Tables {
  private record Column(String name, String type, int priority, Function<JsonNode, Object> cell) {}

  private final ObjectMapper json;
  private final Clock clock;

  Tables(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  /** A Table of {@code objects} (a list's items, or one object). */
  ObjectNode table(ResourceType t, List<JsonNode> objects, String resourceVersion,
      String continueToken, String includeObject) {
    List<Column> cols = columns(t);
    ObjectNode table = json.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : cols) {
      ObjectNode d = defs.addObject();
      d.put("name", c.name());
      d.put("type", c.type());
      d.put("format", c.name().equals("Name") ? "name" : "");
      d.put("description", c.name());
      d.put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : cols) {
        Object v = c.cell().apply(o);
        if (v instanceof Number n) {
          cells.add(n.longValue());
        } else {
          cells.add(v == null ? "<none>" : v.toString());
        }
      }
      if ("Object".equals(includeObject)) {
        row.set("object", o);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", o.path("metadata"));
      }
    }
    return table;
  }

  private List<Column> columns(ResourceType t) {
    List<Column> c = new ArrayList<>();
    c.add(new Column("Name", "string", 0, o -> o.path("metadata").path("name").asText()));
    switch (t.group() + "/" + t.kind()) {
      case "/Pod" -> {
        c.add(col("Ready", o -> ready(o)));
        c.add(col("Status", o -> podStatus(o)));
        c.add(new Column("Restarts", "string", 0, o -> restarts(o)));
        c.add(age());
        c.add(new Column("IP", "string", 1, o -> text(o, "status", "podIP")));
        c.add(new Column("Node", "string", 1, o -> text(o, "spec", "nodeName")));
        return c;
      }
      case "apps/Deployment" -> {
        c.add(col("Ready", o -> o.path("status").path("readyReplicas").asLong(0) + "/"
            + o.path("spec").path("replicas").asLong(1)));
        c.add(new Column("Up-to-date", "integer", 0,
            o -> o.path("status").path("updatedReplicas").asLong(0)));
        c.add(new Column("Available", "integer", 0,
            o -> o.path("status").path("availableReplicas").asLong(0)));
        c.add(age());
        c.add(new Column("Containers", "string", 1, o -> containers(o, "name")));
        c.add(new Column("Images", "string", 1, o -> containers(o, "image")));
        c.add(new Column("Selector", "string", 1, o -> selector(o)));
        return c;
      }
      case "apps/ReplicaSet" -> {
        c.add(new Column("Desired", "integer", 0, o -> o.path("spec").path("replicas").asLong(1)));
        c.add(new Column("Current", "integer", 0,
            o -> o.path("status").path("replicas").asLong(0)));
        c.add(new Column("Ready", "integer", 0,
            o -> o.path("status").path("readyReplicas").asLong(0)));
        c.add(age());
        return c;
      }
      case "apps/StatefulSet" -> {
        c.add(col("Ready", o -> o.path("status").path("readyReplicas").asLong(0) + "/"
            + o.path("spec").path("replicas").asLong(1)));
        c.add(age());
        return c;
      }
      case "apps/DaemonSet" -> {
        for (String f : List.of("desiredNumberScheduled", "currentNumberScheduled",
            "numberReady", "updatedNumberScheduled", "numberAvailable")) {
          String label = switch (f) {
            case "desiredNumberScheduled" -> "Desired";
            case "currentNumberScheduled" -> "Current";
            case "numberReady" -> "Ready";
            case "updatedNumberScheduled" -> "Up-to-date";
            default -> "Available";
          };
          c.add(new Column(label, "integer", 0, o -> o.path("status").path(f).asLong(0)));
        }
        c.add(age());
        return c;
      }
      case "/Service" -> {
        c.add(col("Type", o -> text(o, "spec", "type")));
        c.add(col("Cluster-IP", o -> text(o, "spec", "clusterIP")));
        c.add(col("External-IP", o -> "<none>"));
        c.add(col("Port(s)", o -> ports(o)));
        c.add(age());
        c.add(new Column("Selector", "string", 1, o -> labels(o.path("spec").path("selector"))));
        return c;
      }
      case "/ConfigMap" -> {
        c.add(new Column("Data", "integer", 0,
            o -> o.path("data").size() + o.path("binaryData").size()));
        c.add(age());
        return c;
      }
      case "/Secret" -> {
        c.add(col("Type", o -> o.path("type").asText("Opaque")));
        c.add(new Column("Data", "integer", 0, o -> o.path("data").size()));
        c.add(age());
        return c;
      }
      case "/Namespace" -> {
        c.add(col("Status", o -> text(o, "status", "phase")));
        c.add(age());
        return c;
      }
      case "/Node" -> {
        c.add(col("Status", o -> "Unknown"));
        c.add(age());
        return c;
      }
      case "batch/Job" -> {
        c.add(col("Completions", o -> o.path("status").path("succeeded").asLong(0) + "/"
            + o.path("spec").path("completions").asLong(1)));
        c.add(age());
        return c;
      }
      case "apiextensions.k8s.io/CustomResourceDefinition" -> {
        c.add(new Column("Created At", "date", 0,
            o -> o.path("metadata").path("creationTimestamp").asText()));
        return c;
      }
      default -> {
        c.add(age());
        return c;
      }
    }
  }

  private static Column col(String name, Function<JsonNode, Object> f) {
    return new Column(name, "string", 0, f);
  }

  private Column age() {
    return new Column("Age", "string", 0,
        o -> age(o.path("metadata").path("creationTimestamp").asText("")));
  }

  private static String text(JsonNode o, String a, String b) {
    String s = o.path(a).path(b).asText("");
    return s.isEmpty() ? "<none>" : s;
  }

  private static String ready(JsonNode pod) {
    int total = pod.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      if (cs.path("ready").asBoolean(false)) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  private static String podStatus(JsonNode pod) {
    if (pod.path("metadata").has("deletionTimestamp")) {
      return "Terminating";
    }
    String reason = pod.path("status").path("reason").asText("");
    return reason.isEmpty() ? pod.path("status").path("phase").asText("Pending") : reason;
  }

  private static long restarts(JsonNode pod) {
    long n = 0;
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      n += cs.path("restartCount").asLong(0);
    }
    return n;
  }

  private static String containers(JsonNode o, String field) {
    List<String> out = new ArrayList<>();
    o.path("spec").path("template").path("spec").path("containers")
        .forEach(c -> out.add(c.path(field).asText()));
    return String.join(",", out);
  }

  private static String selector(JsonNode o) {
    return labels(o.path("spec").path("selector").path("matchLabels"));
  }

  private static String labels(JsonNode m) {
    List<String> out = new ArrayList<>();
    m.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  private static String ports(JsonNode svc) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : svc.path("spec").path("ports")) {
      String s = p.path("port").asText();
      if (p.has("nodePort")) {
        s += ":" + p.path("nodePort").asText();
      }
      out.add(s + "/" + p.path("protocol").asText("TCP"));
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  /** Kubernetes' short human duration (as "kubectl get" shows ages). */
  String age(String timestamp) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    Duration d;
    try {
      d = Duration.between(Instant.parse(timestamp), Instant.now(clock));
    } catch (RuntimeException e) {
      return "<invalid>";
    }
    return humanDuration(d);
  }

  static String humanDuration(Duration d) {
    long s = d.getSeconds();
    if (s < -1) {
      return "<invalid>";
    } else if (s < 0) {
      return "0s";
    } else if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
    } else if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return m % 60 == 0 ? h + "h" : h + "h" + (m % 60) + "m";
    } else if (h < 48) {
      return h + "h";
    } else if (h < 24 * 8) {
      return h % 24 == 0 ? (h / 24) + "d" : (h / 24) + "d" + (h % 24) + "h";
    } else if (h < 24 * 365 * 2) {
      return (h / 24) + "d";
    } else if (h < 24 * 365 * 8) {
      long dd = (h / 24) % 365;
      return dd == 0 ? (h / 24 / 365) + "y" : (h / 24 / 365) + "y" + dd + "d";
    }
    return (h / 24 / 365) + "y";
  }
}
