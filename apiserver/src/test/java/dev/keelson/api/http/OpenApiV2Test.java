package dev.keelson.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.codec.KubeProtobuf;
import dev.keelson.api.codec.ProtoSchemas;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /openapi/v2}: the Swagger 2.0 document converted from the v3 documents of the real
 * built-in types (and a custom resource), and its HTTP behaviour (content negotiation, ETag),
 * served by {@link OpenApi#serveV2} on a Jetty server reached through its in-memory connector.
 */
@Timeout(60)
class OpenApiV2Test {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ProtoSchemas BUILT_IN = new ProtoSchemas(KubeProtobuf.load());
  /** The one type client-go's discovery asks {@code /openapi/v2} for. */
  private static final String GNOSTIC_PROTOBUF =
      "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  private static final ResourceType WIDGET = new ResourceType("demo.keelson.dev", "v1",
      "widgets", "Widget", "widget", true, List.of("wd"), List.of(), true, null);
  private static final String WIDGET_SCHEMA = "io.keelson.demo.keelson.dev.v1.Widget";

  private final ResourceTypes types = new ResourceTypes();
  private final OpenApi openApi = new OpenApi(types, JSON, BUILT_IN);
  private Server server;
  private LocalConnector connector;

  @BeforeEach
  void startServer() throws Exception {
    server = new Server();
    connector = new LocalConnector(server);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        try {
          openApi.serveV2(request, response, callback);
        } catch (ApiException e) {
          StatusWriter.write(response, callback, JSON, e);
        }
        return true;
      }
    });
    server.start();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.stop();
  }

  private ObjectNode document() throws Exception {
    return (ObjectNode) JSON.readTree(openApi.v2().json());
  }

  private HttpTester.Response get(String... headers) throws Exception {
    StringBuilder raw = new StringBuilder("GET /openapi/v2 HTTP/1.1\r\nHost: test\r\n");
    for (String h : headers) {
      raw.append(h).append("\r\n");
    }
    raw.append("Connection: close\r\n\r\n");
    return HttpTester.parseResponse(connector.getResponse(raw.toString()));
  }

  /** A custom resource schema with every v3-only construct Swagger 2.0 must lose. */
  private static JsonNode widgetSchema() throws Exception {
    return JSON.readTree("""
        {"type": "object", "properties": {"spec": {"type": "object",
          "required": ["size", "owner"],
          "properties": {
            "replicas": {"type": "integer", "maximum": 10},
            "size": {"x-kubernetes-int-or-string": true,
                     "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "owner": {"type": "string", "nullable": true},
            "nullable": {"type": "boolean"},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                      "properties": {"known": {"type": "string"}}}}}}}
        """);
  }

  @Test
  void documentIsSwagger2WithTheDefinitionsOfEveryGroupVersion() throws Exception {
    ObjectNode doc = document();
    assertThat(doc.path("swagger").asText()).isEqualTo("2.0");
    assertThat(doc.path("info").path("title").asText()).isEqualTo("Kubernetes");
    JsonNode pod = doc.path("definitions").path("io.k8s.api.core.v1.Pod");
    assertThat(pod.path("properties").path("spec").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.PodSpec");
    assertThat(pod.path("x-kubernetes-group-version-kind").get(0).path("kind").asText())
        .isEqualTo("Pod");
    assertThat(doc.path("definitions").path("io.k8s.api.core.v1.PodSpec").path("properties")
        .path("containers").path("items").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.Container");
    assertThat(doc.path("definitions").path("io.k8s.api.apps.v1.Deployment").path("properties")
        .has("spec")).isTrue();
    assertThat(doc.path("paths").has("/apis/apps/v1/namespaces/{namespace}/deployments/{name}"))
        .isTrue();
    assertThat(doc.path("paths").has("/api/v1/nodes/{name}/status")).isTrue();
  }

  @Test
  void everyReferenceResolvesToADefinition() throws Exception {
    types.put(WIDGET, widgetSchema());
    ObjectNode doc = document();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).hasSizeGreaterThan(100);
    JsonNode definitions = doc.path("definitions");
    for (String ref : refs) {
      assertThat(ref).startsWith("#/definitions/");
      assertThat(definitions.has(ref.substring("#/definitions/".length()))).as(ref).isTrue();
    }
  }

  @Test
  void noOpenApiV3KeywordIsLeftAnywhere() throws Exception {
    types.put(WIDGET, widgetSchema());
    List<String> keys = new ArrayList<>();
    collectKeywords(document(), keys);
    assertThat(keys).contains("swagger", "definitions", "$ref", "x-kubernetes-action")
        .doesNotContain("openapi", "components", "requestBody", "content", "nullable", "oneOf",
            "anyOf", "allOf", "not");
  }

  @Test
  void patchKeepsItsKindActionAndFieldValidationWithTheBodyAsAParameter() throws Exception {
    JsonNode patch = document().path("paths")
        .path("/api/v1/namespaces/{namespace}/pods/{name}").path("patch");
    assertThat(patch.path("x-kubernetes-action").asText()).isEqualTo("patch");
    JsonNode gvk = patch.path("x-kubernetes-group-version-kind");
    assertThat(List.of(gvk.path("group").asText(), gvk.path("version").asText(),
        gvk.path("kind").asText())).containsExactly("", "v1", "Pod");
    Map<String, JsonNode> params = new HashMap<>();
    patch.path("parameters").forEach(p -> params.put(p.path("name").asText(), p));
    assertThat(params.get("body").path("in").asText()).isEqualTo("body");
    assertThat(params.get("body").path("schema").path("type").asText()).isEqualTo("object");
    JsonNode fieldValidation = params.get("fieldValidation");
    assertThat(fieldValidation.path("in").asText()).isEqualTo("query");
    assertThat(fieldValidation.path("type").asText()).isEqualTo("string");
    assertThat(fieldValidation.has("schema")).isFalse();
    List<String> consumes = new ArrayList<>();
    patch.path("consumes").forEach(c -> consumes.add(c.asText()));
    assertThat(consumes).containsExactlyInAnyOrder("application/json-patch+json",
        "application/merge-patch+json", "application/apply-patch+yaml");
    assertThat(patch.path("responses").path("200").path("schema").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.Pod");
    JsonNode pathParams = document().path("paths")
        .path("/api/v1/namespaces/{namespace}/pods/{name}").path("parameters");
    assertThat(pathParams.findValuesAsText("name")).containsExactly("name", "namespace");
    assertThat(pathParams.findValuesAsText("in")).containsOnly("path");
  }

  @Test
  void customResourceSchemaBecomesSwagger2AsKubeApiserverMakesIt() throws Exception {
    types.put(WIDGET, widgetSchema());
    JsonNode spec = document().path("definitions").path(WIDGET_SCHEMA).path("properties")
        .path("spec");
    JsonNode props = spec.path("properties");
    assertThat(props.path("replicas").path("maximum").asInt()).isEqualTo(10);
    assertThat(props.path("size").has("anyOf")).isFalse();
    assertThat(props.path("size").path("x-kubernetes-int-or-string").asBoolean()).isTrue();
    assertThat(props.path("owner").has("type")).isFalse();
    assertThat(props.path("owner").has("nullable")).isFalse();
    assertThat(spec.path("required")).hasSize(1);
    assertThat(spec.path("required").get(0).asText()).isEqualTo("size");
    // a field named like a keyword is a field
    assertThat(props.path("nullable").path("type").asText()).isEqualTo("boolean");
    assertThat(props.path("extra").has("properties")).isFalse();
    // the v3 document keeps its own form
    JsonNode v3 = openApi.document("demo.keelson.dev", "v1").path("components").path("schemas")
        .path(WIDGET_SCHEMA).path("properties").path("spec").path("properties");
    assertThat(v3.path("owner").path("nullable").asBoolean()).isTrue();
    assertThat(v3.path("size").has("anyOf")).isTrue();
  }

  @Test
  void documentIsKeptUntilACustomResourceChangesTheServedTypes() throws Exception {
    OpenApi.V2 first = openApi.v2();
    assertThat(openApi.v2()).isSameAs(first);
    assertThat(document().path("definitions").has(WIDGET_SCHEMA)).isFalse();

    types.put(WIDGET, widgetSchema());
    OpenApi.V2 withWidget = openApi.v2();
    assertThat(withWidget.etag()).isNotEqualTo(first.etag());
    assertThat(openApi.v2()).isSameAs(withWidget);
    assertThat(document().path("definitions").has(WIDGET_SCHEMA)).isTrue();
    assertThat(document().path("paths")
        .has("/apis/demo.keelson.dev/v1/namespaces/{namespace}/widgets/{name}/status")).isTrue();

    types.remove("demo.keelson.dev", "v1", "widgets");
    OpenApi.V2 without = openApi.v2();
    assertThat(document().path("definitions").has(WIDGET_SCHEMA)).isFalse();
    assertThat(without.etag()).isEqualTo(first.etag());
  }

  @ParameterizedTest(name = "Accept: [{0}]")
  @ValueSource(strings = {"", "application/json", "*/*", "application/*",
      "application/json;charset=utf-8",
      GNOSTIC_PROTOBUF + ", application/json;q=0.5",
      "application/vnd.kubernetes.protobuf, */*;q=0.1"})
  void jsonIsServedToClientsThatTakeIt(String accept) throws Exception {
    HttpTester.Response r = accept.isEmpty() ? get() : get("Accept: " + accept);
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.get(HttpHeader.CONTENT_TYPE)).startsWith("application/json");
    assertThat(r.get(HttpHeader.ETAG)).isEqualTo(openApi.v2().etag()).matches("\"[0-9A-F]{128}\"");
    assertThat(r.get(HttpHeader.VARY)).isEqualTo("Accept");
    assertThat(JSON.readTree(r.getContent()).path("swagger").asText()).isEqualTo("2.0");
  }

  @ParameterizedTest(name = "Accept: [{0}]")
  @ValueSource(strings = {GNOSTIC_PROTOBUF,
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "text/html",
      "application/json;q=0"})
  void clientsThatTakeOnlyOtherTypesGetNotAcceptableAsAStatus(String accept) throws Exception {
    HttpTester.Response r = get("Accept: " + accept);
    assertThat(r.getStatus()).isEqualTo(406);
    JsonNode status = JSON.readTree(r.getContent());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("NotAcceptable");
    assertThat(status.path("code").asInt()).isEqualTo(406);
  }

  @Test
  void ifNoneMatchWithTheCurrentEtagIsNotModified() throws Exception {
    String etag = get().get(HttpHeader.ETAG);
    HttpTester.Response same = get("If-None-Match: " + etag);
    assertThat(same.getStatus()).isEqualTo(304);
    assertThat(same.getContentBytes()).isNullOrEmpty();
    assertThat(same.get(HttpHeader.ETAG)).isEqualTo(etag);
    assertThat(get("If-None-Match: \"0\", W/" + etag).getStatus()).isEqualTo(304);

    types.put(WIDGET, widgetSchema());
    HttpTester.Response changed = get("If-None-Match: " + etag);
    assertThat(changed.getStatus()).isEqualTo(200);
    assertThat(changed.get(HttpHeader.ETAG)).isNotEqualTo(etag);
    assertThat(JSON.readTree(changed.getContent()).path("definitions").has(WIDGET_SCHEMA))
        .isTrue();
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      n.properties().forEach(e -> {
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, out));
    }
  }

  /** Every key that is a keyword: the names of properties, definitions and paths are not. */
  private static void collectKeywords(JsonNode n, List<String> out) {
    if (n.isObject()) {
      n.properties().forEach(e -> {
        out.add(e.getKey());
        JsonNode v = e.getValue();
        if (List.of("properties", "definitions", "paths").contains(e.getKey()) && v.isObject()) {
          v.forEach(named -> collectKeywords(named, out));
        } else {
          collectKeywords(v, out);
        }
      });
    } else if (n.isArray()) {
      n.forEach(c -> collectKeywords(c, out));
    }
  }
}
