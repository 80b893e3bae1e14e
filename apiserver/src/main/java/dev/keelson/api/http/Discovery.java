package dev.keelson.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API discovery: the legacy documents ({@code APIVersions}, {@code APIGroupList},
 * {@code APIResourceList}) and aggregated discovery ({@code apidiscovery.k8s.io/v2}), all built
 * from the served {@link ResourceTypes}, so a new custom resource shows at once.
 */
final class Discovery {
  static final String AGGREGATED_TYPE =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  private final ResourceTypes types;
  private final ObjectMapper json;

  Discovery(ResourceTypes types, ObjectMapper json) {
    this.types = types;
    this.json = json;
  }

  ObjectNode apiVersions(String serverAddress) {
    ObjectNode o = json.createObjectNode();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    ObjectNode a = o.putArray("serverAddressByClientCIDRs").addObject();
    a.put("clientCIDR", "0.0.0.0/0");
    a.put("serverAddress", serverAddress);
    return o;
  }

  /** Groups other than core, each with its versions (only v1 so far), in first-seen order. */
  private Map<String, Set<String>> groups() {
    Map<String, Set<String>> g = new LinkedHashMap<>();
    for (ResourceType t : types.all()) {
      if (!t.group().isEmpty()) {
        g.computeIfAbsent(t.group(), k -> new LinkedHashSet<>()).add(t.version());
      }
    }
    for (Reviews.Kind k : Reviews.KINDS) {
      g.computeIfAbsent(k.group(), x -> new LinkedHashSet<>()).add("v1");
    }
    return g;
  }

  ObjectNode groupList() {
    ObjectNode o = json.createObjectNode();
    o.put("kind", "APIGroupList");
    o.put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    groups().forEach((name, versions) -> groups.add(group(name, versions)));
    return o;
  }

  /** One group ({@code /apis/<group>}), or null if it is not served. */
  ObjectNode group(String name) {
    Set<String> versions = groups().get(name);
    return versions == null ? null : group(name, versions);
  }

  private ObjectNode group(String name, Set<String> versions) {
    ObjectNode g = json.createObjectNode();
    g.put("kind", "APIGroup");
    g.put("apiVersion", "v1");
    g.put("name", name);
    ArrayNode vs = g.putArray("versions");
    String first = null;
    for (String v : versions) {
      ObjectNode gv = vs.addObject();
      gv.put("groupVersion", name + "/" + v);
      gv.put("version", v);
      first = first == null ? v : first;
    }
    ObjectNode pref = g.putObject("preferredVersion");
    pref.put("groupVersion", name + "/" + first);
    pref.put("version", first);
    return g;
  }

  /** {@code /api/v1} or {@code /apis/<group>/<version>}; null if nothing is served there. */
  ObjectNode resourceList(String group, String version) {
    List<ResourceType> ts = types.of(group, version);
    List<Reviews.Kind> reviews = reviews(group, version);
    if (ts.isEmpty() && reviews.isEmpty()) {
      return null;
    }
    ObjectNode o = json.createObjectNode();
    o.put("kind", "APIResourceList");
    o.put("apiVersion", "v1");
    o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode rs = o.putArray("resources");
    for (ResourceType t : ts) {
      ObjectNode r = rs.addObject();
      r.put("name", t.resource());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      strings(r.putArray("verbs"), t.verbs());
      if (!t.shortNames().isEmpty()) {
        strings(r.putArray("shortNames"), t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        strings(r.putArray("categories"), t.categories());
      }
      if (t.statusSubresource()) {
        ObjectNode s = rs.addObject();
        s.put("name", t.resource() + "/status");
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("kind", t.kind());
        strings(s.putArray("verbs"), List.of("get", "patch", "update"));
      }
      if (t.scale() != null) {
        ObjectNode s = rs.addObject();
        s.put("name", t.resource() + "/scale");
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("group", "autoscaling");
        s.put("version", "v1");
        s.put("kind", "Scale");
        strings(s.putArray("verbs"), List.of("get", "patch", "update"));
      }
      if (t.group().isEmpty() && t.resource().equals("serviceaccounts")) {
        ObjectNode s = rs.addObject();
        s.put("name", "serviceaccounts/token");
        s.put("singularName", "");
        s.put("namespaced", true);
        s.put("group", Reviews.AUTHN);
        s.put("version", "v1");
        s.put("kind", "TokenRequest");
        strings(s.putArray("verbs"), List.of("create"));
      }
    }
    for (Reviews.Kind k : reviews) {
      ObjectNode r = rs.addObject();
      r.put("name", k.resource());
      r.put("singularName", k.kind().toLowerCase());
      r.put("namespaced", k.namespaced());
      r.put("kind", k.kind());
      strings(r.putArray("verbs"), List.of("create"));
    }
    return o;
  }

  /** The review resources of one group-version (create-only, see {@link Reviews}). */
  private static List<Reviews.Kind> reviews(String group, String version) {
    return version.equals("v1")
        ? Reviews.KINDS.stream().filter(k -> k.group().equals(group)).toList() : List.of();
  }

  /** Aggregated discovery of the core group ({@code core}) or of every other group. */
  ObjectNode aggregated(boolean core) {
    ObjectNode o = json.createObjectNode();
    o.put("kind", "APIGroupDiscoveryList");
    o.put("apiVersion", "apidiscovery.k8s.io/v2");
    o.putObject("metadata");
    ArrayNode items = o.putArray("items");
    if (core) {
      items.add(aggregatedGroup("", Set.of("v1")));
    } else {
      groups().forEach((name, versions) -> items.add(aggregatedGroup(name, versions)));
    }
    return o;
  }

  private ObjectNode aggregatedGroup(String name, Set<String> versions) {
    ObjectNode g = json.createObjectNode();
    g.putObject("metadata").put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      ObjectNode ver = vs.addObject();
      ver.put("version", v);
      ArrayNode rs = ver.putArray("resources");
      for (ResourceType t : types.of(name, v)) {
        ObjectNode r = rs.addObject();
        r.put("resource", t.resource());
        ObjectNode kind = r.putObject("responseKind");
        kind.put("group", t.group());
        kind.put("version", t.version());
        kind.put("kind", t.kind());
        r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
        r.put("singularResource", t.singular());
        strings(r.putArray("verbs"), t.verbs());
        if (!t.shortNames().isEmpty()) {
          strings(r.putArray("shortNames"), t.shortNames());
        }
        if (!t.categories().isEmpty()) {
          strings(r.putArray("categories"), t.categories());
        }
        ArrayNode subs = r.putArray("subresources");
        if (t.statusSubresource()) {
          ObjectNode s = subs.addObject();
          s.put("subresource", "status");
          ObjectNode k = s.putObject("responseKind");
          k.put("group", t.group());
          k.put("version", t.version());
          k.put("kind", t.kind());
          strings(s.putArray("verbs"), List.of("get", "patch", "update"));
        }
        if (t.scale() != null) {
          ObjectNode s = subs.addObject();
          s.put("subresource", "scale");
          ObjectNode k = s.putObject("responseKind");
          k.put("group", "autoscaling");
          k.put("version", "v1");
          k.put("kind", "Scale");
          strings(s.putArray("verbs"), List.of("get", "patch", "update"));
        }
        if (t.group().isEmpty() && t.resource().equals("serviceaccounts")) {
          ObjectNode s = subs.addObject();
          s.put("subresource", "token");
          ObjectNode k = s.putObject("responseKind");
          k.put("group", Reviews.AUTHN);
          k.put("version", "v1");
          k.put("kind", "TokenRequest");
          strings(s.putArray("verbs"), List.of("create"));
        }
      }
      for (Reviews.Kind rk : reviews(name, v)) {
        ObjectNode r = rs.addObject();
        r.put("resource", rk.resource());
        ObjectNode kind = r.putObject("responseKind");
        kind.put("group", rk.group());
        kind.put("version", "v1");
        kind.put("kind", rk.kind());
        r.put("scope", rk.namespaced() ? "Namespaced" : "Cluster");
        r.put("singularResource", rk.kind().toLowerCase());
        strings(r.putArray("verbs"), List.of("create"));
      }
      ver.put("freshness", "Current");
    }
    return g;
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
