package dev.keelson.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * OpenAPI v2 (Swagger 2.0) made from the OpenAPI v3 documents of every group-version: the one
 * document kube-apiserver serves at {@code /openapi/v2}. It knows nothing of the served types;
 * it rewrites what {@link OpenApi} built for v3, so both versions describe the same API.
 *
 * <pre>
 *   v3                                           v2
 *   openapi: 3.0.0                               swagger: "2.0"
 *   components.schemas.X                         definitions.X        (all group-versions)
 *   $ref: #/components/schemas/X                 $ref: #/definitions/X
 *   allOf: [{$ref: X}], description: d           $ref: X, description: d
 *   parameter {schema: {type, uniqueItems}}      parameter {type, uniqueItems}
 *   requestBody.content.T.schema                 consumes: [T..], parameter {in: body, schema}
 *   responses.C.content.T.schema                 produces: [T..], responses.C.schema
 * </pre>
 *
 * <p>Schema keywords Swagger 2.0 lacks go as kube-apiserver drops them from custom resources'
 * schemas (apiextensions-apiserver's {@code ToStructuralOpenAPIV2}): {@code oneOf},
 * {@code anyOf}, {@code not} and any {@code allOf} other than one reference are dropped; a
 * {@code nullable} schema loses its type, properties and items and is no longer required by its
 * parent; {@code x-kubernetes-preserve-unknown-fields} drops properties and items; an array
 * left without items loses its type. {@code x-kubernetes-*} extensions stay.
 */
final class OpenApiV2 {
  private static final String V3_REF = "#/components/schemas/";
  private static final String V2_REF = "#/definitions/";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options",
      "head", "patch");
  /** Schema keywords of OpenAPI 3.0 that a Swagger 2.0 schema does not have. */
  private static final Set<String> V3_ONLY = Set.of("nullable", "oneOf", "anyOf", "not",
      "writeOnly", "deprecated", "discriminator");

  private OpenApiV2() {}

  /** One Swagger 2.0 document of everything in {@code v3} (which is left untouched). */
  static ObjectNode convert(ObjectMapper json, List<ObjectNode> v3) {
    ObjectNode doc = json.createObjectNode();
    doc.put("swagger", "2.0");
    JsonNode info = v3.isEmpty() ? null : v3.get(0).get("info");
    doc.set("info", info != null ? info.deepCopy()
        : json.createObjectNode().put("title", "Kubernetes").put("version", Versions.GIT_VERSION));
    // sorted, as kube-apiserver's: the bytes (and so the ETag) do not depend on map order
    Map<String, JsonNode> paths = new TreeMap<>();
    Map<String, JsonNode> definitions = new TreeMap<>();
    for (ObjectNode d : v3) {
      for (Map.Entry<String, JsonNode> p : d.path("paths").properties()) {
        paths.put(p.getKey(), pathItem(json, p.getValue()));
      }
      for (Map.Entry<String, JsonNode> s : d.path("components").path("schemas").properties()) {
        definitions.merge(s.getKey(), schema(s.getValue()), OpenApiV2::kindFirst);
      }
    }
    doc.putObject("paths").setAll(paths);
    doc.putObject("definitions").setAll(definitions);
    return doc;
  }

  /**
   * Two group-versions may both describe one message (a kind's own schema in one, the same
   * message used inside another kind elsewhere); the kind's version carries more.
   */
  private static JsonNode kindFirst(JsonNode seen, JsonNode other) {
    return !seen.has("x-kubernetes-group-version-kind")
        && other.has("x-kubernetes-group-version-kind") ? other : seen;
  }

  private static ObjectNode pathItem(ObjectMapper json, JsonNode v3) {
    ObjectNode item = json.createObjectNode();
    for (Map.Entry<String, JsonNode> e : v3.properties()) {
      String key = e.getKey();
      if (METHODS.contains(key)) {
        item.set(key, operation(json, e.getValue()));
      } else if (key.equals("parameters")) {
        item.set(key, parameters(json, e.getValue(), null));
      } else if (key.startsWith("x-")) {
        item.set(key, e.getValue().deepCopy());
      }
      // summary, description, servers: no place for them in a v2 path item
    }
    return item;
  }

  private static ObjectNode operation(ObjectMapper json, JsonNode v3) {
    ObjectNode op = json.createObjectNode();
    Set<String> produces = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> e : v3.properties()) {
      String key = e.getKey();
      switch (key) {
        case "parameters", "requestBody", "callbacks", "servers" -> { }
        case "responses" -> {
          ObjectNode responses = op.putObject("responses");
          for (Map.Entry<String, JsonNode> r : e.getValue().properties()) {
            responses.set(r.getKey(), response(json, r.getValue(), produces));
          }
        }
        default -> op.set(key, e.getValue().deepCopy());
      }
    }
    JsonNode body = v3.get("requestBody");
    if (body != null || v3.has("parameters")) {
      op.set("parameters", parameters(json, v3.path("parameters"), body));
    }
    if (body != null) {
      ArrayNode consumes = op.putArray("consumes");
      body.path("content").fieldNames().forEachRemaining(consumes::add);
    }
    if (!produces.isEmpty()) {
      ArrayNode p = op.putArray("produces");
      produces.forEach(p::add);
    }
    return op;
  }

  /** The v3 parameters, preceded by the request body as the one {@code in: body} parameter. */
  private static ArrayNode parameters(ObjectMapper json, JsonNode v3, JsonNode requestBody) {
    ArrayNode out = json.createArrayNode();
    if (requestBody != null) {
      ObjectNode b = out.addObject();
      b.put("name", "body");
      b.put("in", "body");
      b.put("required", requestBody.path("required").asBoolean(true));
      if (requestBody.has("description")) {
        b.set("description", requestBody.get("description").deepCopy());
      }
      b.set("schema", schema(firstSchema(json, requestBody.path("content"))));
    }
    for (JsonNode p : v3) {
      ObjectNode q = json.createObjectNode();
      for (Map.Entry<String, JsonNode> e : p.properties()) {
        switch (e.getKey()) {
          // a v2 parameter other than the body has its type, format, items... itself
          case "schema" -> schema(e.getValue()).properties().forEach(s -> {
            if (!s.getKey().equals("description") || !p.has("description")) {
              q.set(s.getKey(), s.getValue());
            }
          });
          case "style", "explode", "allowReserved", "example", "examples", "content",
              "deprecated" -> { }
          default -> q.set(e.getKey(), e.getValue().deepCopy());
        }
      }
      out.add(q);
    }
    return out;
  }

  private static ObjectNode response(ObjectMapper json, JsonNode v3, Set<String> produces) {
    ObjectNode r = json.createObjectNode();
    r.put("description", v3.path("description").asText(""));
    JsonNode content = v3.path("content");
    content.fieldNames().forEachRemaining(produces::add);
    if (!content.isEmpty()) {
      r.set("schema", schema(firstSchema(json, content)));
    }
    if (v3.has("headers")) {
      r.set("headers", v3.get("headers").deepCopy());
    }
    return r;
  }

  /** The schema of {@code application/json} if the content has it, else of its first type. */
  private static JsonNode firstSchema(ObjectMapper json, JsonNode content) {
    JsonNode media = content.has("application/json") ? content.get("application/json")
        : content.elements().hasNext() ? content.elements().next() : null;
    JsonNode s = media == null ? null : media.get("schema");
    return s != null ? s : json.createObjectNode().put("type", "object");
  }

  /** A v3 schema as a v2 schema (a new node: the v3 document is served too). */
  static ObjectNode schema(JsonNode v3) {
    ObjectNode s = ((ObjectNode) v3).deepCopy();
    convertInPlace(s);
    return s;
  }

  private static void convertInPlace(ObjectNode s) {
    JsonNode allOf = s.get("allOf");
    if (allOf != null) {
      s.remove("allOf");
      // the v3 way of giving a reference a description: allOf of the reference alone
      if (allOf.size() == 1 && allOf.get(0).has("$ref") && !s.has("$ref")) {
        s.set("$ref", allOf.get(0).get("$ref"));
      }
    }
    JsonNode ref = s.get("$ref");
    if (ref != null && ref.asText().startsWith(V3_REF)) {
      s.put("$ref", V2_REF + ref.asText().substring(V3_REF.length()));
    }
    if (s.path("nullable").asBoolean(false)) {
      s.remove(List.of("type", "properties", "items"));
    }
    if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      s.remove(List.of("properties", "items"));
    }
    if (s.get("properties") instanceof ObjectNode props) {
      List<String> nullable = new ArrayList<>();
      for (Map.Entry<String, JsonNode> p : props.properties()) {
        if (p.getValue() instanceof ObjectNode child) {
          if (child.path("nullable").asBoolean(false)) {
            nullable.add(p.getKey());
          }
          convertInPlace(child);
        }
      }
      notRequired(s, nullable);
    }
    if (s.get("additionalProperties") instanceof ObjectNode additional) {
      if (additional.path("nullable").asBoolean(false)) {
        s.remove("required");
      }
      convertInPlace(additional);
    }
    JsonNode items = s.get("items");
    if (items instanceof ObjectNode one) {
      convertInPlace(one);
    } else if (items instanceof ArrayNode tuple) {
      tuple.forEach(i -> {
        if (i instanceof ObjectNode o) {
          convertInPlace(o);
        }
      });
    }
    if (items == null && "array".equals(s.path("type").asText())) {
      s.remove("type"); // kubectl cannot read an array without an item schema
    }
    s.remove(V3_ONLY);
  }

  private static void notRequired(ObjectNode s, List<String> names) {
    if (names.isEmpty() || !(s.get("required") instanceof ArrayNode required)) {
      return;
    }
    for (int i = required.size() - 1; i >= 0; i--) {
      if (names.contains(required.get(i).asText())) {
        required.remove(i);
      }
    }
    if (required.isEmpty()) {
      s.remove("required");
    }
  }
}
