package dev.keelson.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kubernetes protobuf bodies read into JSON. The messages here are built field by field from
 * the same schemas, as client-go would encode them (plain strings always written, empty ones
 * too), wrapped in the {@code k8s\0} + runtime.Unknown envelope.
 */
@Timeout(20)
class KubeProtobufTest {
  private static final KubeProtobuf PB = KubeProtobuf.load();

  private static DynamicMessage.Builder builder(String fullName) {
    Descriptor d = PB.message(fullName.startsWith("k8s.io.api.core") ? "v1" : "apps/v1",
        fullName.substring(fullName.lastIndexOf('.') + 1)).orElse(null);
    return DynamicMessage.newBuilder(d);
  }

  private static DynamicMessage.Builder nested(DynamicMessage.Builder parent, String field) {
    FieldDescriptor f = parent.getDescriptorForType().findFieldByName(field);
    return DynamicMessage.newBuilder(f.getMessageType());
  }

  private static void set(DynamicMessage.Builder b, String field, Object v) {
    b.setField(b.getDescriptorForType().findFieldByName(field), v);
  }

  private static byte[] envelope(String apiVersion, String kind, DynamicMessage obj)
      throws Exception {
    Descriptor unknown = PB.messageByName("k8s.io.apimachinery.pkg.runtime.Unknown");
    DynamicMessage.Builder typeMeta = DynamicMessage.newBuilder(
        unknown.findFieldByName("typeMeta").getMessageType());
    set(typeMeta, "apiVersion", apiVersion);
    set(typeMeta, "kind", kind);
    DynamicMessage.Builder env = DynamicMessage.newBuilder(unknown);
    set(env, "typeMeta", typeMeta.build());
    set(env, "raw", obj.toByteString());
    set(env, "contentEncoding", "");
    set(env, "contentType", "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {'k', '8', 's', 0});
    env.build().writeTo(out);
    return out.toByteArray();
  }

  @Test
  void configMapWithDataAndLabelsReadsAsJson() throws Exception {
    DynamicMessage.Builder cm = builder("k8s.io.api.core.v1.ConfigMap");
    DynamicMessage.Builder meta = nested(cm, "metadata");
    set(meta, "name", "c1");
    set(meta, "generateName", ""); // Go writes empty plain strings; JSON leaves them out
    FieldDescriptor labels = meta.getDescriptorForType().findFieldByName("labels");
    DynamicMessage.Builder entry = DynamicMessage.newBuilder(labels.getMessageType());
    set(entry, "key", "app");
    set(entry, "value", "web");
    meta.addRepeatedField(labels, entry.build());
    set(cm, "metadata", meta.build());
    FieldDescriptor data = cm.getDescriptorForType().findFieldByName("data");
    DynamicMessage.Builder d = DynamicMessage.newBuilder(data.getMessageType());
    set(d, "key", "mode");
    set(d, "value", "blue");
    cm.addRepeatedField(data, d.build());

    ObjectNode json = PB.decode(envelope("v1", "ConfigMap", cm.build()));
    assertThat(json).isEqualTo(new ObjectMapper().readTree("{\"apiVersion\":\"v1\",\"kind\":"
        + "\"ConfigMap\",\"metadata\":{\"name\":\"c1\",\"labels\":{\"app\":\"web\"}},"
        + "\"data\":{\"mode\":\"blue\"}}"));
  }

  @Test
  void apimachineryTypesTakeTheirJsonForms() throws Exception {
    DynamicMessage.Builder dep = builder("k8s.io.api.apps.v1.Deployment");
    DynamicMessage.Builder meta = nested(dep, "metadata");
    set(meta, "name", "web");
    DynamicMessage.Builder ts = nested(meta, "creationTimestamp");
    set(ts, "seconds", 1_700_000_000L);
    set(ts, "nanos", 0);
    set(meta, "creationTimestamp", ts.build());
    set(dep, "metadata", meta.build());
    DynamicMessage.Builder spec = nested(dep, "spec");
    set(spec, "replicas", 0); // a pointer field: a present 0 stays
    DynamicMessage.Builder strategy = nested(spec, "strategy");
    DynamicMessage.Builder rolling = nested(strategy, "rollingUpdate");
    DynamicMessage.Builder surge = nested(rolling, "maxSurge");
    set(surge, "type", 1L);
    set(surge, "strVal", "25%");
    set(rolling, "maxSurge", surge.build());
    DynamicMessage.Builder unavailable = nested(rolling, "maxUnavailable");
    set(unavailable, "type", 0L);
    set(unavailable, "intVal", 1);
    set(rolling, "maxUnavailable", unavailable.build());
    set(strategy, "rollingUpdate", rolling.build());
    set(spec, "strategy", strategy.build());
    set(dep, "spec", spec.build());

    ObjectNode json = PB.decode(envelope("apps/v1", "Deployment", dep.build()));
    assertThat(json.path("metadata").path("creationTimestamp").asText())
        .isEqualTo("2023-11-14T22:13:20Z");
    assertThat(json.path("spec").path("replicas").isInt()).isTrue();
    assertThat(json.path("spec").path("replicas").asInt()).isZero();
    assertThat(json.path("spec").path("strategy").path("rollingUpdate").path("maxSurge")
        .asText()).isEqualTo("25%");
    assertThat(json.path("spec").path("strategy").path("rollingUpdate")
        .path("maxUnavailable").isInt()).isTrue();
  }

  @Test
  void bodiesThatAreNotKubernetesProtobufAreRefusedWithTheReason() {
    assertThatThrownBy(() -> PB.decode("{\"kind\":\"x\"}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected prefix");
    assertThatThrownBy(() -> PB.decode(new byte[] {'k', '8', 's', 0, (byte) 0xff, 0x01}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
  }

  @Test
  void kindsWithoutASchemaAreNamed() throws Exception {
    DynamicMessage.Builder cm = builder("k8s.io.api.core.v1.ConfigMap");
    byte[] body = envelope("example.com/v1", "Widget", cm.build());
    assertThatThrownBy(() -> PB.decode(body)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no protobuf schema for example.com/v1, Kind=Widget");
  }

  @Test
  void knownFieldsDropsAndNamesWhatAKindDoesNotHave() throws Exception {
    ObjectNode pod = (ObjectNode) new ObjectMapper().readTree("{\"apiVersion\":\"v1\","
        + "\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labelz\":{}},\"spec\":{"
        + "\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"imagePullPolicy\":\"Always\","
        + "\"colour\":\"red\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]},\"extra\":1}");
    List<String> unknown = new KnownFields(PB).removeUnknown("v1", "Pod", pod);
    assertThat(unknown).containsExactly("metadata.labelz", "spec.containers[0].colour",
        "extra");
    assertThat(pod.toString()).doesNotContain("labelz", "colour", "extra")
        .contains("imagePullPolicy", "\"cpu\":\"1\"");
  }

  @Test
  void knownFieldsKeepsEmbeddedStructsAndGoNamedFieldsAsJsonHasThem() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String podText = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
        + "\"spec\":{\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"cm\"}}],"
        + "\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"env\":[{\"name\":\"E\","
        + "\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cm\",\"key\":\"k\"}}}],"
        + "\"readinessProbe\":{\"httpGet\":{\"path\":\"/\",\"port\":80},"
        + "\"periodSeconds\":5},\"securityContext\":{\"privileged\":false}}]}}";
    ObjectNode pod = (ObjectNode) json.readTree(podText);
    assertThat(new KnownFields(PB).removeUnknown("v1", "Pod", pod)).isEmpty();
    assertThat(pod).isEqualTo(json.readTree(podText));
    String vwcText = "{\"metadata\":{\"name\":\"x\"},\"webhooks\":[{\"name\":\"a.b.c\","
        + "\"clientConfig\":{\"url\":\"https://x\"},\"rules\":[{\"operations\":[\"CREATE\"],"
        + "\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"configmaps\"],"
        + "\"scope\":\"*\"}],\"sideEffects\":\"None\"}]}";
    ObjectNode vwc = (ObjectNode) json.readTree(vwcText);
    assertThat(new KnownFields(PB).removeUnknown("admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration", vwc)).isEmpty();
    assertThat(vwc).isEqualTo(json.readTree(vwcText));
    String vapText = "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"matchConstraints\":{"
        + "\"resourceRules\":[{\"apiGroups\":[\"apps\"],\"resourceNames\":[\"a\"],"
        + "\"operations\":[\"CREATE\"]}]},\"validations\":[{\"expression\":\"true\"}],"
        + "\"variables\":[{\"name\":\"v\",\"expression\":\"1\"}]}}";
    ObjectNode vap = (ObjectNode) json.readTree(vapText);
    assertThat(new KnownFields(PB).removeUnknown("admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy", vap)).isEmpty();
    assertThat(vap).isEqualTo(json.readTree(vapText));
    // and what is unknown inside an embedded struct is still unknown
    ObjectNode bad = (ObjectNode) json.readTree("{\"spec\":{\"volumes\":[{\"name\":\"v\","
        + "\"configMap\":{\"name\":\"cm\",\"colour\":1}}]}}");
    assertThat(new KnownFields(PB).removeUnknown("v1", "Pod", bad))
        .containsExactly("spec.volumes[0].configMap.colour");
  }
}
