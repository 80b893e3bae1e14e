package dev.keelson.api.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields a built-in kind has, from its protobuf schema (whose field names are the JSON
 * names). Kubernetes decodes built-in objects into typed structs, which drops fields the type
 * does not have; {@link #removeUnknown} does the same and says which it dropped, so the request
 * can be refused (fieldValidation=Strict) or warned about (Warn).
 */
public final class KnownFields {
  /** apimachinery types whose JSON form is a scalar or free-form: nothing inside to check. */
  private static final Set<String> OPAQUE = Set.of(
      "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
      "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
      "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
      "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
      "k8s.io.apimachinery.pkg.api.resource.Quantity",
      "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
      "k8s.io.apimachinery.pkg.runtime.RawExtension");

  private final KubeProtobuf schemas;

  public KnownFields(KubeProtobuf schemas) {
    this.schemas = schemas;
  }

  /**
   * Removes from {@code obj} the fields its kind does not have and returns their paths
   * ({@code spec.foo}, {@code spec.containers[0].bar}) in document order. Empty when the kind's
   * schema is not known here (custom resources; their schemas prune them).
   */
  public List<String> removeUnknown(String apiVersion, String kind, ObjectNode obj) {
    Optional<Descriptor> d = schemas.message(apiVersion, kind);
    List<String> unknown = new ArrayList<>();
    if (d.isEmpty()) {
      return unknown;
    }
    walk(obj, d.get(), "", true, unknown);
    return unknown;
  }

  private void walk(JsonNode node, Descriptor d, String path, boolean root, List<String> out) {
    if (!node.isObject() || OPAQUE.contains(d.getFullName())) {
      return;
    }
    ObjectNode o = (ObjectNode) node;
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (root && (name.equals("apiVersion") || name.equals("kind"))) {
        continue;
      }
      List<FieldDescriptor> at = ProtoJson.properties(d).get(name);
      String p = path.isEmpty() ? name : path + "." + name;
      if (at == null) {
        out.add(p);
        it.remove();
        continue;
      }
      FieldDescriptor f = at.get(at.size() - 1);
      JsonNode v = e.getValue();
      if (f.isMapField()) {
        FieldDescriptor value = f.getMessageType().findFieldByName("value");
        if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
            Map.Entry<String, JsonNode> me = m.next();
            walk(me.getValue(), value.getMessageType(), p + "." + me.getKey(), false, out);
          }
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (f.isRepeated() && v.isArray()) {
          for (int i = 0; i < v.size(); i++) {
            walk(v.get(i), f.getMessageType(), p + "[" + i + "]", false, out);
          }
        } else {
          walk(v, f.getMessageType(), p, false, out);
        }
      }
    }
  }
}
