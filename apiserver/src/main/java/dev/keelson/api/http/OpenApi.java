package dev.keelson.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.codec.ProtoSchemas;
import dev.keelson.api.registry.ApiException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * OpenAPI v3: the index ({@code /openapi/v3}) and one document per group-version with the
 * operations of every served type; and OpenAPI v2 ({@code /openapi/v2}), one Swagger 2.0
 * document of all group-versions converted from the v3 ones ({@link OpenApiV2}). The PATCH
 * operations carry {@code x-kubernetes-group-version-kind} and the {@code fieldValidation}
 * parameter, which is how kubectl learns that this server validates fields itself (its default
 * {@code --validate=strict}). Schemas: built-in kinds get the structure of their protobuf schema
 * ({@link ProtoSchemas}: field names and types, no descriptions), custom resources their
 * openAPIV3Schema, the rest (kinds without a protobuf schema here) an open object. Documents are
 * built once per set of types; the v2 document again only when a v3 one was rebuilt.
 */
final class OpenApi {
  private final ResourceTypes types;
  private final ObjectMapper json;
  private final ProtoSchemas builtIn;
  /** Documents by group-version, rebuilt when the types served there change. */
  private final Map<String, Built> built = new ConcurrentHashMap<>();
  /** The v2 document; replaced whole (a racing rebuild makes an equal one). */
  private volatile BuiltV2 v2;

  private record Built(List<ResourceType> types, List<Object> schemas, ObjectNode doc,
      String hash) {}

  private record GroupVersion(String group, String version) {
    String path() {
      return gvPath(group, version);
    }
  }

  /** The v2 document as served: its JSON and its ETag (quoted). */
  record V2(byte[] json, String etag) {}

  /** The v2 document and the v3 documents it was made from, which say whether it is current. */
  private record BuiltV2(List<Built> from, V2 served) {}

  OpenApi(ResourceTypes types, ObjectMapper json, ProtoSchemas builtIn) {
    this.types = types;
    this.json = json;
    this.builtIn = builtIn;
  }

  private static String gvPath(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  /** Every served group-version, in the order their first types were registered. */
  private List<GroupVersion> groupVersions() {
    Set<GroupVersion> gvs = new LinkedHashSet<>();
    types.all().forEach(t -> gvs.add(new GroupVersion(t.group(), t.version())));
    return List.copyOf(gvs);
  }

  ObjectNode index() {
    ObjectNode o = json.createObjectNode();
    ObjectNode paths = o.putObject("paths");
    for (GroupVersion gv : groupVersions()) {
      Built b = cached(gv.group(), gv.version());
      if (b != null) {
        paths.putObject(gv.path()).put("serverRelativeURL",
            "/openapi/v3/" + gv.path() + "?hash=" + b.hash());
      }
    }
    return o;
  }

  /** The document of one group-version; null if nothing is served there. */
  ObjectNode document(String group, String version) {
    Built b = cached(group, version);
    return b == null ? null : b.doc();
  }

  /**
   * The v2 document of everything served now. Made from the current v3 documents, and kept
   * until one of them is rebuilt (a custom resource came, went or changed its schema) or a
   * group-version comes or goes.
   */
  V2 v2() {
    List<Built> from = new ArrayList<>();
    for (GroupVersion gv : groupVersions()) {
      Built b = cached(gv.group(), gv.version());
      if (b != null) {
        from.add(b);
      }
    }
    BuiltV2 current = v2;
    if (current != null && sameInstances(current.from(), from)) {
      return current.served();
    }
    ObjectNode doc = OpenApiV2.convert(json, from.stream().map(Built::doc).toList());
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    current = new BuiltV2(List.copyOf(from), new V2(bytes, etag(bytes)));
    v2 = current;
    return current.served();
  }

  /**
   * {@code GET /openapi/v2} as kube-openapi's handler answers it: the JSON document to
   * {@code application/json}, {@code application/*}, {@code *}{@code /*} or no Accept header,
   * with {@code ETag} (the quoted SHA-512 of the JSON, in upper-case hex) and
   * {@code Vary: Accept}; 304 when {@code If-None-Match} names that ETag. The gnostic protobuf
   * form is not served: a client that accepts only it gets 406 (thrown, as a Status).
   */
  void serveV2(Request req, Response res, Callback cb) {
    res.getHeaders().put(HttpHeader.VARY, "Accept");
    if (!acceptsJson(req.getHeaders().get(HttpHeader.ACCEPT))) {
      throw ApiException.notAcceptable("only the following media types are accepted: "
          + "application/json");
    }
    V2 doc = v2();
    res.getHeaders().put(HttpHeader.ETAG, doc.etag());
    if (matches(req.getHeaders().get(HttpHeader.IF_NONE_MATCH), doc.etag())) {
      res.setStatus(304);
      res.write(true, BufferUtil.EMPTY_BUFFER, cb);
      return;
    }
    res.setStatus(200);
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    res.write(true, ByteBuffer.wrap(doc.json()), cb);
  }

  /** Whether an Accept header admits JSON (no header admits anything; q=0 refuses). */
  static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    QuotedQualityCSV types = new QuotedQualityCSV();
    try {
      types.addValue(accept);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (String t : types.getValues()) {
      int semi = t.indexOf(';');
      String type = (semi >= 0 ? t.substring(0, semi) : t).trim().toLowerCase();
      if (type.equals("application/json") || type.equals("application/*")
          || type.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code If-None-Match} names {@code etag} (or is {@code *}); weak comparison. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String etag(byte[] body) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-512").digest(body);
      return '"' + HexFormat.of().withUpperCase().formatHex(sha) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean sameInstances(List<Built> a, List<Built> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
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
      pathParameters(item, t.namespaced(), true);
      item.set("get", operation("read" + t.kind(), gvk, "get", schemaName, false));
      item.set("put", operation("replace" + t.kind(), gvk, "put", schemaName, true));
      item.set("patch", operation("patch" + t.kind(), gvk, "patch", schemaName, true));
      item.set("delete", operation("delete" + t.kind(), gvk, "delete", schemaName, true));
      ObjectNode coll = paths.putObject(base + scope + t.resource());
      pathParameters(coll, t.namespaced(), false);
      coll.set("get", operation("list" + t.kind(), gvk, "list", schemaName, false));
      coll.set("post", operation("create" + t.kind(), gvk, "post", schemaName, true));
      if (t.statusSubresource()) {
        ObjectNode st = paths.putObject(one + "/status");
        pathParameters(st, t.namespaced(), true);
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
        q.putObject("schema").put("type", "string").put("uniqueItems", true);
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

  /** Declares the {@code {namespace}} and {@code {name}} of a path, as OpenAPI wants. */
  private static void pathParameters(ObjectNode item, boolean namespaced, boolean named) {
    List<String> names = new ArrayList<>();
    if (named) {
      names.add("name");
    }
    if (namespaced) {
      names.add("namespace");
    }
    if (names.isEmpty()) {
      return;
    }
    ArrayNode params = item.putArray("parameters");
    for (String p : names) {
      ObjectNode q = params.addObject();
      q.put("name", p);
      q.put("in", "path");
      q.put("required", true);
      q.putObject("schema").put("type", "string").put("uniqueItems", true);
    }
  }

  static String schemaName(ResourceType t) {
    String group = t.group().isEmpty() ? "core" : t.group();
    return "io.keelson." + group + "." + t.version() + "." + t.kind();
  }
}
