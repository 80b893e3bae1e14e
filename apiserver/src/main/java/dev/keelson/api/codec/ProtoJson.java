package dev.keelson.api.codec;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a built-in kind's JSON maps onto its protobuf message. Two things differ from the field
 * names in Kubernetes' generated.proto:
 * <ul>
 *   <li>a few fields are named as their Go field ({@code Webhooks}, {@code Expression},
 *       {@code Name}); their JSON name starts in lower case;
 *   <li>a Go struct embedded without a name ({@code Volume}'s {@code VolumeSource}, the
 *       {@code LocalObjectReference} of key selectors, {@code Probe}'s {@code ProbeHandler})
 *       is one field in protobuf, but its fields are the enclosing object's own in JSON
 *       ({@code volumes[0].configMap}, {@code configMapKeyRef.name}, {@code readinessProbe.httpGet}).
 * </ul>
 * The proto file does not mark embedded fields, so they are listed here from k8s.io/api's
 * types (the served groups of Kubernetes 1.32).
 */
public final class ProtoJson {
  /** Embedded (inline) fields, by message and field name. */
  private static final Set<String> INLINE = Set.of(
      "k8s.io.api.core.v1.Volume.volumeSource",
      "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
      "k8s.io.api.core.v1.Probe.handler",
      "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
      "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
      "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
      "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
      "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
      "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
      "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
      "k8s.io.api.core.v1.SecretProjection.localObjectReference",
      "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
      "k8s.io.api.admissionregistration.v1.RuleWithOperations.rule",
      "k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations");

  private static final Map<Descriptor, Map<String, List<FieldDescriptor>>> PROPERTIES =
      new ConcurrentHashMap<>();

  private ProtoJson() {}

  /** Whether {@code f} is an embedded struct whose fields are its parent's in JSON. */
  public static boolean inline(FieldDescriptor f) {
    return f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()
        && INLINE.contains(f.getContainingType().getFullName() + "." + f.getName());
  }

  /** The JSON name of a (not inline) field. */
  public static String jsonName(FieldDescriptor f) {
    String n = f.getName();
    return Character.toLowerCase(n.charAt(0)) + n.substring(1);
  }

  /**
   * The JSON properties of a message, in field order: each property's path of fields, the
   * embedded fields it lies in first and the field itself last.
   */
  public static Map<String, List<FieldDescriptor>> properties(Descriptor d) {
    return PROPERTIES.computeIfAbsent(d, x -> {
      Map<String, List<FieldDescriptor>> out = new LinkedHashMap<>();
      collect(x, List.of(), out);
      return Collections.unmodifiableMap(out);
    });
  }

  private static void collect(Descriptor d, List<FieldDescriptor> prefix,
      Map<String, List<FieldDescriptor>> out) {
    for (FieldDescriptor f : d.getFields()) {
      List<FieldDescriptor> path = new ArrayList<>(prefix);
      path.add(f);
      if (inline(f)) {
        collect(f.getMessageType(), path, out);
      } else {
        out.putIfAbsent(jsonName(f), List.copyOf(path));
      }
    }
  }
}
