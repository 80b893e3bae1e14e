package dev.keelson.api.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * OpenAPI v3 schemas of built-in kinds, derived from their protobuf schemas (field names are
 * the JSON names): objects, arrays, maps, and the apimachinery types in their JSON forms. Each
 * message becomes one named schema ({@code io.k8s.api.core.v1.PodSpec}, as Kubernetes names
 * them) referenced with {@code $ref}, so {@code kubectl explain pods.spec.containers} can walk
 * them. There are no field descriptions: the schemas carry structure and types only.
 */
public final class ProtoSchemas {
  private final KubeProtobuf schemas;

  public ProtoSchemas(KubeProtobuf schemas) {
    this.schemas = schemas;
  }

  /** Kubernetes' schema name of a message: {@code k8s.io.api...} becomes {@code io.k8s.api...}. */
  public static String name(Descriptor d) {
    String full = d.getFullName();
    return full.startsWith("k8s.io.") ? "io.k8s." + full.substring("k8s.io.".length()) : full;
  }

  /**
   * Adds the schema of {@code apiVersion}/{@code kind}, and of every message it uses, to
   * {@code components} (a {@code components.schemas} object); returns its name, or null when the
   * kind has no protobuf schema here.
   */
  public String add(String apiVersion, String kind, ObjectNode components) {
    return schemas.message(apiVersion, kind).map(d -> {
      addMessage(d, components);
      ObjectNode root = (ObjectNode) components.get(name(d));
      ObjectNode props = root.withObjectProperty("properties");
      props.putObject("apiVersion").put("type", "string");
      props.putObject("kind").put("type", "string");
      return name(d);
    }).orElse(null);
  }

  private void addMessage(Descriptor d, ObjectNode components) {
    String name = name(d);
    if (components.has(name)) {
      return;
    }
    ObjectNode s = components.putObject(name);
    ObjectNode special = special(d);
    if (special != null) {
      s.setAll(special);
      return;
    }
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    ProtoJson.properties(d).forEach((json, path) ->
        props.set(json, field(path.get(path.size() - 1), components)));
  }

  private ObjectNode field(FieldDescriptor f, ObjectNode components) {
    ObjectNode s = components.objectNode();
    if (f.isMapField()) {
      FieldDescriptor value = f.getMessageType().findFieldByName("value");
      s.put("type", "object");
      s.set("additionalProperties", single(value, components));
      return s;
    }
    if (f.isRepeated()) {
      s.put("type", "array");
      s.set("items", single(f, components));
      return s;
    }
    return single(f, components);
  }

  private ObjectNode single(FieldDescriptor f, ObjectNode components) {
    ObjectNode s = components.objectNode();
    switch (f.getJavaType()) {
      case STRING, ENUM -> s.put("type", "string");
      case BOOLEAN -> s.put("type", "boolean");
      case INT -> s.put("type", "integer").put("format", "int32");
      case LONG -> s.put("type", "integer").put("format", "int64");
      case FLOAT, DOUBLE -> s.put("type", "number").put("format", "double");
      case BYTE_STRING -> s.put("type", "string").put("format", "byte");
      case MESSAGE -> {
        addMessage(f.getMessageType(), components);
        s.putArray("allOf").addObject().put("$ref",
            "#/components/schemas/" + name(f.getMessageType()));
      }
      default -> s.put("type", "string");
    }
    return s;
  }

  /** The apimachinery types whose JSON is not an object of their fields. */
  private static ObjectNode special(Descriptor d) {
    ObjectNode s = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    switch (d.getFullName()) {
      case "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
          "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime" -> {
        s.put("type", "string");
        s.put("format", "date-time");
      }
      case "k8s.io.apimachinery.pkg.apis.meta.v1.Duration" -> s.put("type", "string");
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> s.put("type", "string");
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        s.put("type", "string");
        s.put("format", "int-or-string");
        s.put("x-kubernetes-int-or-string", true);
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension",
          "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1" -> {
        s.put("type", "object");
        s.put("x-kubernetes-preserve-unknown-fields", true);
      }
      default -> {
        return null;
      }
    }
    return s;
  }
}
