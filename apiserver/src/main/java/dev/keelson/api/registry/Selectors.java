package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.cache.WatchCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Label and field selectors, parsed as the Kubernetes API does. Label selectors: {@code k=v},
 * {@code k==v}, {@code k!=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k},
 * {@code k>n}, {@code k<n}, joined by commas. Field selectors: {@code f=v}, {@code f==v},
 * {@code f!=v} on metadata.name, metadata.namespace and the fields a type adds.
 */
public final class Selectors {
  /** The filter of a list or watch without selectors (the cache tests for it by identity). */
  public static final Predicate<ObjectNode> EVERYTHING = WatchCache.EVERYTHING;

  private Selectors() {}

  /** Both filters: {@link #EVERYTHING} only when both are. */
  public static Predicate<ObjectNode> both(Predicate<ObjectNode> a, Predicate<ObjectNode> b) {
    return a == EVERYTHING ? b : b == EVERYTHING ? a : a.and(b);
  }

  /** Matches everything when {@code selector} is null or blank; 400 when malformed. */
  public static Predicate<ObjectNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Predicate<JsonNode>> parts = new ArrayList<>();
    for (String term : splitTerms(selector)) {
      parts.add(labelTerm(term.trim(), selector));
    }
    return o -> {
      JsonNode labels = o.path("metadata").path("labels");
      for (Predicate<JsonNode> p : parts) {
        if (!p.test(labels)) {
          return false;
        }
      }
      return true;
    };
  }

  /** Splits on commas outside parentheses. */
  private static List<String> splitTerms(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  private static Predicate<JsonNode> labelTerm(String t, String whole) {
    if (t.isEmpty()) {
      throw badLabel(whole, "empty term");
    }
    String lower = t.replaceAll("\\s+", " ");
    int sp = lower.indexOf(' ');
    if (sp > 0 && (lower.startsWith(" in ", sp) || lower.startsWith(" notin ", sp))) {
      String key = checkKey(lower.substring(0, sp), whole);
      boolean in = lower.startsWith(" in ", sp);
      String rest = lower.substring(sp + (in ? 4 : 7)).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw badLabel(whole, "expected a parenthesized set of values");
      }
      Set<String> values = new java.util.HashSet<>();
      for (String v : rest.substring(1, rest.length() - 1).split(",")) {
        values.add(checkValue(v.trim(), whole));
      }
      return in ? l -> l.has(key) && values.contains(l.get(key).asText())
          : l -> !l.has(key) || !values.contains(l.get(key).asText());
    }
    if (t.startsWith("!")) {
      String key = checkKey(t.substring(1).trim(), whole);
      return l -> !l.has(key);
    }
    String[] ops = {"==", "!=", "=", ">", "<"};
    for (String op : ops) {
      int i = t.indexOf(op);
      if (i > 0) {
        String key = checkKey(t.substring(0, i).trim(), whole);
        String value = t.substring(i + op.length()).trim();
        switch (op) {
          case "!=" -> {
            String v = checkValue(value, whole);
            return l -> !l.has(key) || !l.get(key).asText().equals(v);
          }
          case ">", "<" -> {
            long n;
            try {
              n = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw badLabel(whole, "for 'gt', 'lt' operators, the value must be an integer");
            }
            boolean gt = op.equals(">");
            return l -> {
              if (!l.has(key)) {
                return false;
              }
              try {
                long have = Long.parseLong(l.get(key).asText());
                return gt ? have > n : have < n;
              } catch (NumberFormatException e) {
                return false;
              }
            };
          }
          default -> {
            String v = checkValue(value, whole);
            return l -> l.has(key) && l.get(key).asText().equals(v);
          }
        }
      }
    }
    String key = checkKey(t, whole);
    return l -> l.has(key);
  }

  private static String checkKey(String key, String whole) {
    List<String> problems = Validation.qualifiedNameProblems(key);
    if (!problems.isEmpty()) {
      throw badLabel(whole, "invalid label key \"" + key + "\": " + problems.get(0));
    }
    return key;
  }

  private static String checkValue(String value, String whole) {
    List<String> problems = Validation.labelValueProblems(value);
    if (!problems.isEmpty()) {
      throw badLabel(whole, "invalid label value: \"" + value + "\": " + problems.get(0));
    }
    return value;
  }

  private static ApiException badLabel(String selector, String why) {
    return ApiException.badRequest("unable to parse requirement: " + why
        + " (selector \"" + abbreviate(selector) + "\")");
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** The field selector of a list or watch of type {@code t}; 400 for unknown fields. */
  public static Predicate<ObjectNode> fields(ResourceType t, String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Predicate<ObjectNode>> parts = new ArrayList<>();
    for (String term : selector.split(",")) {
      String op = term.contains("!=") ? "!=" : term.contains("==") ? "==" : "=";
      int i = term.indexOf(op);
      if (i <= 0) {
        throw ApiException.badRequest("invalid selector: '" + abbreviate(selector)
            + "'; can't understand '" + abbreviate(term) + "'");
      }
      String field = term.substring(0, i).trim();
      String value = term.substring(i + op.length()).trim();
      if (!supportedField(t, field)) {
        throw ApiException.badRequest("field label not supported: " + field);
      }
      String[] path = field.split("\\.");
      boolean negate = op.equals("!=");
      parts.add(o -> {
        JsonNode n = o;
        for (String p : path) {
          n = n.path(p);
        }
        String have = n.isMissingNode() || n.isNull() ? "" : n.asText();
        return negate != have.equals(value);
      });
    }
    return o -> parts.stream().allMatch(p -> p.test(o));
  }

  /** The fields each kind's field selectors may name, besides metadata.name and .namespace. */
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "/Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
          "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
          "status.nominatedNodeName"),
      "/Event", Set.of("involvedObject", "reason", "source", "type", "reportingComponent"),
      "/Secret", Set.of("type"),
      "/Namespace", Set.of("status.phase"),
      "/Node", Set.of("spec.unschedulable"),
      "apps/ReplicaSet", Set.of("status.replicas"),
      "batch/Job", Set.of("status.successful"));

  /** Every path a filter may read, for {@link #selectableView}. */
  private static final List<String[]> SELECTABLE = selectablePaths();

  private static List<String[]> selectablePaths() {
    Set<String> paths = new java.util.TreeSet<>(Set.of("metadata.name", "metadata.namespace",
        "metadata.labels"));
    FIELDS.values().forEach(paths::addAll);
    return paths.stream().map(p -> p.split("\\.")).toList();
  }

  private static boolean supportedField(ResourceType t, String field) {
    if (field.equals("metadata.name") || field.equals("metadata.namespace")) {
      return true;
    }
    Set<String> fields = FIELDS.getOrDefault(t.group() + "/" + t.kind(), Set.of());
    return field.startsWith("involvedObject.") ? fields.contains("involvedObject")
        : !field.equals("involvedObject") && fields.contains(field);
  }

  /**
   * What the filters made here read of {@code o}: its name, namespace and labels and every field
   * a field selector may name, copied into a small tree of their own (which the watch cache keeps
   * in place of the whole object). A filter gives the same answer on it as on {@code o}.
   */
  public static ObjectNode selectableView(ObjectNode o) {
    ObjectNode view = o.objectNode();
    for (String[] path : SELECTABLE) {
      JsonNode from = o;
      for (String p : path) {
        from = from.path(p);
      }
      if (from.isMissingNode()) {
        continue;
      }
      ObjectNode to = view;
      for (int i = 0; i < path.length - 1; i++) {
        to = to.withObjectProperty(path[i]);
      }
      to.set(path[path.length - 1], from.deepCopy());
    }
    return view;
  }
}
