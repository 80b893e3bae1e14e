package dev.keelson.api.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}), which
 * client-go and kubectl use for the bodies of built-in types, into the JSON tree the rest of the
 * server works on.
 *
 * <p>The wire form: the 4 bytes {@code k8s\0}, then a {@code runtime.Unknown} message whose
 * {@code typeMeta} names apiVersion and kind and whose {@code raw} holds the object in the
 * type's own message ({@code k8s.io.api.<group>.<version>.<Kind>}). Field names in those schemas
 * are the JSON names; a few apimachinery types have a JSON form of their own (Time is an RFC 3339
 * string, Quantity a string, IntOrString a number or a string, RawExtension embedded JSON).
 * The schemas are read from a descriptor set built from Maven Central's client-java-proto
 * (apiserver/pom.xml); types it does not have are refused (415), never guessed.
 */
public final class KubeProtobuf {
  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";

  private final Map<String, Descriptor> messages = new HashMap<>();
  private final Descriptor unknown;

  private KubeProtobuf(FileDescriptorSet set) throws DescriptorValidationException {
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    set.getFileList().forEach(p -> protos.put(p.getName(), p));
    Map<String, FileDescriptor> built = new HashMap<>();
    for (String name : protos.keySet()) {
      build(name, protos, built);
    }
    for (FileDescriptor f : built.values()) {
      for (Descriptor d : f.getMessageTypes()) {
        messages.put(d.getFullName(), d);
      }
    }
    unknown = messages.get("k8s.io.apimachinery.pkg.runtime.Unknown");
    if (unknown == null) {
      throw new IllegalStateException("descriptor set lacks runtime.Unknown");
    }
  }

  /** Builds one file after its dependencies (the set is in no particular order). */
  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built) throws DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto p = protos.get(name);
    if (p == null) {
      throw new IllegalStateException("descriptor set lacks " + name);
    }
    FileDescriptor[] deps = new FileDescriptor[p.getDependencyCount()];
    for (int i = 0; i < deps.length; i++) {
      deps[i] = build(p.getDependency(i), protos, built);
    }
    FileDescriptor f = FileDescriptor.buildFrom(p, deps);
    built.put(name, f);
    return f;
  }

  /** The schemas built into this jar. */
  public static KubeProtobuf load() {
    try (InputStream in = KubeProtobuf.class.getResourceAsStream("k8s-descriptors.pb")) {
      if (in == null) {
        throw new IllegalStateException("k8s-descriptors.pb missing from the jar");
      }
      return new KubeProtobuf(FileDescriptorSet.parseFrom(in));
    } catch (IOException | DescriptorValidationException e) {
      throw new IllegalStateException("cannot read Kubernetes protobuf schemas", e);
    }
  }

  /** The message of a kind, if this server knows its schema. */
  public Optional<Descriptor> message(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    if (List.of("DeleteOptions", "Status", "WatchEvent", "Patch", "ListOptions", "GetOptions",
        "CreateOptions", "UpdateOptions", "PatchOptions").contains(kind)) {
      return Optional.ofNullable(messages.get(META + kind));
    }
    String pkg = group.isEmpty() ? "core" : group.split("\\.")[0];
    return Optional.ofNullable(messages.get("k8s.io.api." + pkg + "." + version + "." + kind));
  }

  /** A message by its full protobuf name, or null. */
  Descriptor messageByName(String fullName) {
    return messages.get(fullName);
  }

  /** Decodes one body; {@link IllegalArgumentException} (with the reason) if it cannot. */
  public ObjectNode decode(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(body, 0, 4, MAGIC, 0, 4)) {
      throw new IllegalArgumentException("provided data does not appear to be a protobuf "
          + "message, expected prefix [107 56 115 0]");
    }
    try {
      DynamicMessage env = DynamicMessage.parseFrom(unknown,
          ByteString.copyFrom(body, 4, body.length - 4));
      DynamicMessage typeMeta = (DynamicMessage) env.getField(field(unknown, "typeMeta"));
      String apiVersion = (String) typeMeta.getField(field(typeMeta.getDescriptorForType(),
          "apiVersion"));
      String kind = (String) typeMeta.getField(field(typeMeta.getDescriptorForType(), "kind"));
      Descriptor d = message(apiVersion, kind).orElseThrow(() -> new IllegalArgumentException(
          "no protobuf schema for " + apiVersion + ", Kind=" + kind));
      ByteString raw = (ByteString) env.getField(field(unknown, "raw"));
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("apiVersion", apiVersion);
      out.put("kind", kind);
      writeFields(DynamicMessage.parseFrom(d, raw), out);
      return out;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("malformed protobuf: " + e.getMessage());
    }
  }

  private static FieldDescriptor field(Descriptor d, String name) {
    FieldDescriptor f = d.findFieldByName(name);
    if (f == null) {
      throw new IllegalStateException(d.getFullName() + " has no field " + name);
    }
    return f;
  }

  private void writeFields(DynamicMessage m, ObjectNode out) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String name = ProtoJson.jsonName(f);
      if (ProtoJson.inline(f)) {
        writeFields((DynamicMessage) e.getValue(), out); // an embedded struct: its fields are ours
      } else if (f.isMapField()) {
        ObjectNode map = out.putObject(name);
        for (Object entry : (List<?>) e.getValue()) {
          DynamicMessage me = (DynamicMessage) entry;
          Descriptor ed = me.getDescriptorForType();
          Object k = me.getField(ed.findFieldByName("key"));
          FieldDescriptor vf = ed.findFieldByName("value");
          map.set(String.valueOf(k), value(vf, me.getField(vf)));
        }
      } else if (f.isRepeated()) {
        ArrayNode a = out.putArray(name);
        for (Object v : (List<?>) e.getValue()) {
          a.add(value(f, v));
        }
      } else if (!zeroValue(e.getValue())) {
        out.set(name, value(f, e.getValue()));
      }
    }
  }

  private JsonNode value(FieldDescriptor f, Object v) {
    JsonNodeFactory n = JsonNodeFactory.instance;
    switch (f.getJavaType()) {
      case STRING:
        return n.textNode((String) v);
      case BOOLEAN:
        return n.booleanNode((Boolean) v);
      case INT:
        return n.numberNode((Integer) v);
      case LONG:
        return n.numberNode((Long) v);
      case FLOAT:
        return n.numberNode((Float) v);
      case DOUBLE:
        return n.numberNode((Double) v);
      case BYTE_STRING:
        return n.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case ENUM:
        return n.textNode(v.toString());
      case MESSAGE:
        return message((DynamicMessage) v);
      default:
        throw new IllegalStateException("unexpected field type " + f.getJavaType());
    }
  }

  /** A nested message: the apimachinery types with a JSON form of their own, else an object. */
  private JsonNode message(DynamicMessage m) {
    Descriptor d = m.getDescriptorForType();
    JsonNodeFactory n = JsonNodeFactory.instance;
    switch (d.getFullName()) {
      case META + "Time" -> {
        long seconds = longField(m, "seconds");
        return n.textNode(Instant.ofEpochSecond(seconds).toString());
      }
      case META + "MicroTime" -> {
        Instant t = Instant.ofEpochSecond(longField(m, "seconds"), longField(m, "nanos"));
        return n.textNode(DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MICROS)));
      }
      case META + "Duration" -> {
        return n.textNode((String) m.getField(field(d, "duration")));
      }
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
        return n.textNode((String) m.getField(field(d, "string")));
      }
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        long type = longField(m, "type");
        return type == 1 ? n.textNode((String) m.getField(field(d, "strVal")))
            : n.numberNode((int) longField(m, "intVal"));
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1" -> {
        ByteString raw = (ByteString) m.getField(d.getFields().get(0));
        try {
          return raw.isEmpty() ? n.nullNode() : JSON.readTree(raw.toByteArray());
        } catch (IOException e) {
          throw new IllegalArgumentException("embedded object is not JSON");
        }
      }
      default -> {
        ObjectNode o = n.objectNode();
        writeFields(m, o);
        return o;
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Go writes a struct's plain (non-pointer) strings and times to protobuf even when empty, and
   * leaves them out of JSON ({@code omitempty}); so an empty string or a zero Time is absent.
   * Numbers and booleans stay: for pointer fields a present 0 or false means something
   * ({@code replicas: 0}).
   */
  private static boolean zeroValue(Object v) {
    if (v instanceof String s) {
      return s.isEmpty();
    }
    if (v instanceof DynamicMessage m
        && m.getDescriptorForType().getFullName().equals(META + "Time")) {
      return longField(m, "seconds") == 0 && longField(m, "nanos") == 0;
    }
    return false;
  }

  private static long longField(DynamicMessage m, String name) {
    Object v = m.getField(field(m.getDescriptorForType(), name));
    return ((Number) v).longValue();
  }
}
