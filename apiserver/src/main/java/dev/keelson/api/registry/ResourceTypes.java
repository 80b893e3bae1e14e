package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The types this API serves: the built-ins, then custom resources as their definitions are
 * created. Lookups see a consistent snapshot; changes replace it whole.
 */
public final class ResourceTypes {
  private static final ResourceType.Scale WORKLOAD_SCALE = new ResourceType.Scale(
      ".spec.replicas", ".status.replicas", ".spec.selector");

  private volatile Map<String, ResourceType> byPath;
  /** The same types by "group/resource" and by "apiVersion/kind", the first of each kept. */
  private volatile Map<String, ResourceType> byGroupResource;
  private volatile Map<String, ResourceType> byKind;
  private final Set<String> builtIn = new HashSet<>();
  /** Custom types' OpenAPI v3 schemas; written before the type appears, removed after it goes. */
  private volatile Map<String, JsonNode> schemas = Map.of();

  public ResourceTypes() {
    Map<String, ResourceType> m = new LinkedHashMap<>();
    builtIns().forEach(t -> m.put(path(t.group(), t.version(), t.resource()), t));
    builtIn.addAll(m.keySet());
    set(m);
  }

  /** Publishes a new set of types with its indexes (the constructor, or under this lock). */
  private void set(Map<String, ResourceType> m) {
    Map<String, ResourceType> groupResource = new HashMap<>();
    Map<String, ResourceType> kinds = new HashMap<>();
    for (ResourceType t : m.values()) {
      groupResource.putIfAbsent(t.group() + "/" + t.resource(), t);
      kinds.putIfAbsent(t.apiVersion() + "/" + t.kind(), t);
    }
    byGroupResource = groupResource;
    byKind = kinds;
    byPath = m;
  }

  /** The types built into every master. */
  public static List<ResourceType> builtIns() {
    List<ResourceType> l = new ArrayList<>();
    core(l, "namespaces", "Namespace", false, true, "ns");
    core(l, "pods", "Pod", true, true, "po");
    core(l, "services", "Service", true, true, "svc");
    core(l, "endpoints", "Endpoints", true, false, "ep");
    core(l, "configmaps", "ConfigMap", true, false, "cm");
    core(l, "secrets", "Secret", true, false);
    core(l, "serviceaccounts", "ServiceAccount", true, false, "sa");
    core(l, "nodes", "Node", false, true, "no");
    core(l, "events", "Event", true, false, "ev");
    core(l, "persistentvolumes", "PersistentVolume", false, true, "pv");
    core(l, "persistentvolumeclaims", "PersistentVolumeClaim", true, true, "pvc");
    core(l, "limitranges", "LimitRange", true, false, "limits");
    core(l, "resourcequotas", "ResourceQuota", true, true, "quota");
    l.add(scalable("apps", "deployments", "Deployment", "deploy"));
    l.add(scalable("apps", "replicasets", "ReplicaSet", "rs"));
    l.add(scalable("apps", "statefulsets", "StatefulSet", "sts"));
    l.add(typed("apps", "v1", "daemonsets", "DaemonSet", true, true, List.of("all"), "ds"));
    l.add(typed("batch", "v1", "jobs", "Job", true, true, List.of("all")));
    l.add(typed("batch", "v1", "cronjobs", "CronJob", true, true, List.of("all"), "cj"));
    l.add(typed("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, List.of(), "ing"));
    l.add(typed("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false,
        List.of(), "netpol"));
    String rbac = "rbac.authorization.k8s.io";
    l.add(typed(rbac, "v1", "roles", "Role", true, false, List.of()));
    l.add(typed(rbac, "v1", "rolebindings", "RoleBinding", true, false, List.of()));
    l.add(typed(rbac, "v1", "clusterroles", "ClusterRole", false, false, List.of()));
    l.add(typed(rbac, "v1", "clusterrolebindings", "ClusterRoleBinding", false, false,
        List.of()));
    l.add(typed("coordination.k8s.io", "v1", "leases", "Lease", true, false, List.of()));
    String adm = "admissionregistration.k8s.io";
    l.add(typed(adm, "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration",
        false, false, List.of("api-extensions")));
    l.add(typed(adm, "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration",
        false, false, List.of("api-extensions")));
    l.add(typed(adm, "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false,
        true, List.of("api-extensions")));
    l.add(typed(adm, "v1", "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding", false, false, List.of("api-extensions")));
    l.add(typed("apiextensions.k8s.io", "v1", "customresourcedefinitions",
        "CustomResourceDefinition", false, true, List.of("api-extensions"), "crd", "crds"));
    return l;
  }

  private static void core(List<ResourceType> l, String resource, String kind,
      boolean namespaced, boolean status, String... shortNames) {
    List<String> all = List.of("pods", "services").contains(resource) ? List.of("all")
        : List.of();
    l.add(typed("", "v1", resource, kind, namespaced, status, all, shortNames));
  }

  private static ResourceType scalable(String group, String resource, String kind,
      String shortName) {
    return new ResourceType(group, "v1", resource, kind, kind.toLowerCase(), true,
        List.of(shortName), List.of("all"), true, WORKLOAD_SCALE);
  }

  private static ResourceType typed(String group, String version, String resource, String kind,
      boolean namespaced, boolean status, List<String> categories, String... shortNames) {
    return new ResourceType(group, version, resource, kind, kind.toLowerCase(), namespaced,
        List.of(shortNames), categories, status, null);
  }

  private static String path(String group, String version, String resource) {
    return group + "/" + version + "/" + resource;
  }

  /** The type served at {@code /apis/group/version/resource} (group "" for {@code /api/v1}). */
  public Optional<ResourceType> find(String group, String version, String resource) {
    return Optional.ofNullable(byPath.get(path(group, version, resource)));
  }

  /**
   * The served type of a group's resource, whatever its version (each resource is served in one
   * version here); how admission names what it reads and what quotas count.
   */
  public Optional<ResourceType> find(String group, String resource) {
    return Optional.ofNullable(byGroupResource.get(group + "/" + resource));
  }

  /** The served type of an apiVersion and kind ("apps/v1", "Deployment"). */
  public Optional<ResourceType> findKind(String apiVersion, String kind) {
    return Optional.ofNullable(byKind.get(apiVersion + "/" + kind));
  }

  /** The type whose objects live under this store key, if any. */
  public Optional<ResourceType> forKey(String key) {
    for (ResourceType t : byPath.values()) {
      if (key.startsWith(t.storagePrefix())) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  public List<ResourceType> all() {
    return List.copyOf(byPath.values());
  }

  /** Every type of one group-version, in registration order. */
  public List<ResourceType> of(String group, String version) {
    return byPath.values().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
  }

  /** Whether {@code t} is built in (not a custom resource). */
  public boolean isBuiltIn(ResourceType t) {
    return builtIn.contains(path(t.group(), t.version(), t.resource()));
  }

  /** Adds or replaces a type (a custom resource definition was created or changed). */
  public synchronized void put(ResourceType t) {
    if (isBuiltIn(t)) {
      throw new IllegalArgumentException(t.qualifiedResource() + " is built in");
    }
    Map<String, ResourceType> m = new LinkedHashMap<>(byPath);
    m.put(path(t.group(), t.version(), t.resource()), t);
    set(m);
  }

  /**
   * Adds or replaces a custom type together with the schema of its objects (a version's
   * {@code openAPIV3Schema}); whoever finds the type finds its schema too.
   */
  public synchronized void put(ResourceType t, JsonNode schema) {
    if (isBuiltIn(t)) {
      throw new IllegalArgumentException(t.qualifiedResource() + " is built in");
    }
    Map<String, JsonNode> s = new HashMap<>(schemas);
    s.put(path(t.group(), t.version(), t.resource()), schema);
    schemas = s;
    put(t);
  }

  /** The schema a custom type was put with; empty for built-ins. */
  public Optional<JsonNode> schema(ResourceType t) {
    return Optional.ofNullable(schemas.get(path(t.group(), t.version(), t.resource())));
  }

  /** Removes a custom resource's type. */
  public synchronized void remove(String group, String version, String resource) {
    Map<String, ResourceType> m = new LinkedHashMap<>(byPath);
    m.remove(path(group, version, resource));
    set(m);
    Map<String, JsonNode> s = new HashMap<>(schemas);
    s.remove(path(group, version, resource));
    schemas = s;
  }
}
