package dev.keelson.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.codec.ProtoSchemas;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;

/**
 * OpenAPI v3: the index ({@code /openapi/v3}) and one document per group-version with the
 * operations of every served type. The PATCH operations carry
 * {@code x-kubernetes-group-version-kind} and the {@code fieldValidation} parameter, which is how
 * kubectl learns that this server validates fields itself (its default {@code --validate=strict}).
 * Schemas: built-in kinds get the structure of their protobuf schema ({@link ProtoSchemas}: field
 * names and types, no descriptions), custom resources their openAPIV3Schema, the rest (kinds
 * without a protobuf schema here) an open object. Documents are built once per set of types.
 */
final class OpenApi {
  private final ResourceTypes types;
  private final ObjectMapper json;
  private final ProtoSchemas builtIn;
  /** Documents by group-version, rebuilt when the types served there change. */
  private final Map<String, Built> built = new ConcurrentHashMap<>();

  private record Built(List<ResourceType> types, List<Object> schemas, ObjectNode doc,
      String hash) {}

  OpenApi(ResourceTypes types, ObjectMapper json, ProtoSchemas builtIn) {
    this.types = types;
    this.json = json;
    this.builtIn = builtIn;
  }

  private static String gvPath(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  ObjectNode index() {
    ObjectNode o = json.createObjectNode();
    ObjectNode paths = o.putObject("paths");
    Set<String> gvs = new LinkedHashSet<>();
    types.all().forEach(t -> gvs.add(gvPath(t.group(), t.version())));
    for (String gv : gvs) {
      String[] parts = gv.split("/");
      String group = parts.length == 3 ? parts[1] : "";
      String version = parts[parts.length - 1];
      paths.putObject(gv).put("serverRelativeURL",
          "/openapi/v3/" + gv + "?hash=" + cached(group, version).hash());
    }
    return o;
  }

  /** The document of one group-version; null if nothing is served there. */
  ObjectNode document(String group, String version) {
    Built b = cached(group, version);
    return b == null ? null : b.doc();
  }

  private Built cached(String group, String version) {
    List<ResourceType> ts = types.of(group, version);
    if (ts.isEmpty()) {
      return null;
    }
    List<Object> schemas = ts.stream().map(t -> (Object) types.schema(t).orElse(null)).toList();
    String key = group + "/" + version;
    Built b = built.get(key);
    if (b == null || !b.types().equals(ts) || !b.schemas().equals(schemas)) {
      ObjectNode doc = build(group, version, ts);
      String hash = Integer.toHexString(doc.toString().hashCode()).toUpperCase();
      b = new Built(ts, schemas, doc, hash);
      built.put(key, b);
    }
    return b;
  }

  private ObjectNode build(String group, String version, List<ResourceType> ts) {
    ObjectNode doc = json.createObjectNode();
    doc.put("openapi", "3.0.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", Versions.GIT_VERSION);
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    String base = "/" + gvPath(group, version) + "/";
    for (ResourceType t : ts) {
      String scope = t.namespaced() ? "namespaces/{namespace}/" : "";
      String one = base + scope + t.resource() + "/{name}";
      // built-in kinds: the structure of their protobuf schema (no descriptions)
      String protoName = types.isBuiltIn(t) ? builtIn.add(t.apiVersion(), t.kind(), schemas)
          : null;
      String schemaName = protoName != null ? protoName : schemaName(t);
      ObjectNode schema = protoName != null ? (ObjectNode) schemas.get(protoName)
          : schemas.putObject(schemaName);
      // a custom type's own openAPIV3Schema; built-ins without a protobuf schema are open
      com.fasterxml.jackson.databind.JsonNode own = protoName != null ? schema
          : types.schema(t).orElse(null);
      if (protoName == null && own instanceof ObjectNode o) {
        schema.setAll(o.deepCopy());
      }
      schema.put("type", "object");
      if (!schema.has("description")) {
        schema.put("description", t.kind() + " (" + t.apiVersion() + ")");
      }
      ObjectNode gvk = json.createObjectNode();
      gvk.put("group", t.group());
      gvk.put("version", t.version());
      gvk.put("kind", t.kind());
      schema.putArray("x-kubernetes-group-version-kind").add(gvk.deepCopy());
      if (own == null) {
        schema.put("x-kubernetes-preserve-unknown-fields", true);
      }
      ObjectNode item = paths.putObject(one);
      item.set("get", operation("read" + t.kind(), gvk, "get", schemaName, false));
      item.set("put", operation("replace" + t.kind(), gvk, "put", schemaName, true));
      item.set("patch", operation("patch" + t.kind(), gvk, "patch", schemaName, true));
      item.set("delete", operation("delete" + t.kind(), gvk, "delete", schemaName, true));
      ObjectNode coll = paths.putObject(base + scope + t.resource());
      coll.set("get", operation("list" + t.kind(), gvk, "list", schemaName, false));
      coll.set("post", operation("create" + t.kind(), gvk, "post", schemaName, true));
      if (t.statusSubresource()) {
        ObjectNode st = paths.putObject(one + "/status");
        st.set("get", operation("read" + t.kind() + "Status", gvk, "get", schemaName, false));
        st.set("put", operation("replace" + t.kind() + "Status", gvk, "put", schemaName, true));
        st.set("patch", operation("patch" + t.kind() + "Status", gvk, "patch", schemaName, true));
      }
    }
    return doc;
  }

  private ObjectNode operation(String id, ObjectNode gvk, String action, String schemaName,
      boolean write) {
    ObjectNode op = json.createObjectNode();
    op.put("operationId", id);
    op.put("x-kubernetes-action", action);
    op.set("x-kubernetes-group-version-kind", gvk.deepCopy());
    ArrayNode params = op.putArray("parameters");
    if (write) {
      for (String p : List.of("dryRun", "fieldManager", "fieldValidation")) {
        ObjectNode q = params.addObject();
        q.put("name", p);
        q.put("in", "query");
        q.putObject("schema").put("type", "string");
        q.put("uniqueItems", true);
      }
    }
    if (action.equals("patch")) {
      ObjectNode content = op.putObject("requestBody").putObject("content");
      for (String type : List.of("application/json-patch+json", "application/merge-patch+json",
          "application/apply-patch+yaml")) {
        content.putObject(type).putObject("schema").put("type", "object");
      }
    }
    ObjectNode ok = op.putObject("responses").putObject("200");
    ok.put("description", "OK");
    ok.putObject("content").putObject("application/json").putObject("schema")
        .put("$ref", "#/components/schemas/" + schemaName);
    return op;
  }

  static String schemaName(ResourceType t) {
    String group = t.group().isEmpty() ? "core" : t.group();
    return "io.keelson." + group + "." + t.version() + "." + t.kind();
  }
}
