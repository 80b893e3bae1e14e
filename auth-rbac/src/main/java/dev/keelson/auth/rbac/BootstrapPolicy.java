package dev.keelson.auth.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The default RBAC objects the apiserver creates at start-up when they are missing, after
 * Kubernetes' bootstrap policy (the parts a cluster without kubelets and controllers needs):
 *
 * <ul>
 *   <li>{@code cluster-admin}: everything, bound to group {@code system:masters};
 *   <li>{@code admin}, {@code edit}, {@code view}: the user-facing roles, empty themselves and
 *       filled by aggregation from the {@code system:aggregate-to-*} roles that carry the rules.
 *       {@code view} is aggregated into {@code edit} and {@code edit} into {@code admin}, so
 *       {@code admin} is edit plus roles/rolebindings. They are not bound: an administrator binds
 *       them per namespace. View grants no secrets and nothing that reveals them
 *       (pods/exec, pods/attach, ...);
 *   <li>{@code system:discovery} (API discovery, health, version, OpenAPI) and
 *       {@code system:basic-user} (self reviews), bound to {@code system:authenticated};
 *   <li>{@code system:public-info-viewer} (health and version), bound to
 *       {@code system:authenticated} and {@code system:unauthenticated}.
 * </ul>
 *
 * <p>Each object carries the label {@value #BOOTSTRAP_LABEL}={@value #BOOTSTRAP_LABEL_VALUE} and
 * the annotation {@value #AUTOUPDATE_ANNOTATION}=true, as Kubernetes' defaults do.
 */
public final class BootstrapPolicy {
  public static final String BOOTSTRAP_LABEL = "kubernetes.io/bootstrapping";
  public static final String BOOTSTRAP_LABEL_VALUE = "rbac-defaults";
  public static final String AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate";
  public static final String AGGREGATE_TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
  public static final String AGGREGATE_TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
  public static final String AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> WRITE = List.of("create", "update", "patch", "delete",
      "deletecollection");
  private static final List<String> READ_WRITE = List.of("get", "list", "watch", "create",
      "update", "patch", "delete", "deletecollection");

  private static final String CORE = "";
  private static final String APPS = "apps";
  private static final String AUTOSCALING = "autoscaling";
  private static final String BATCH = "batch";
  private static final String EXTENSIONS = "extensions";
  private static final String POLICY = "policy";
  private static final String NETWORKING = "networking.k8s.io";
  private static final String DISCOVERY = "discovery.k8s.io";
  private static final String COORDINATION = "coordination.k8s.io";
  private static final String AUTHENTICATION = "authentication.k8s.io";
  private static final String AUTHORIZATION = "authorization.k8s.io";

  private BootstrapPolicy() {
  }

  /** The default ClusterRoles. */
  public static List<Role> clusterRoles() {
    return List.of(
        role("cluster-admin", Map.of(), List.of(
            PolicyRule.verbs("*").groups("*").resources("*").build(),
            PolicyRule.verbs("*").urls("*").build())),
        role("system:discovery", Map.of(), List.of(
            PolicyRule.verbs("get").urls("/livez", "/readyz", "/healthz", "/version",
                "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*")
                .build())),
        role("system:basic-user", Map.of(), List.of(
            PolicyRule.verbs("create").groups(AUTHORIZATION)
                .resources("selfsubjectaccessreviews", "selfsubjectrulesreviews").build(),
            PolicyRule.verbs("create").groups(AUTHENTICATION).resources("selfsubjectreviews")
                .build())),
        role("system:public-info-viewer", Map.of(), List.of(
            PolicyRule.verbs("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/")
                .build())),
        aggregated("admin", Map.of(), AGGREGATE_TO_ADMIN),
        aggregated("edit", Map.of(AGGREGATE_TO_ADMIN, "true"), AGGREGATE_TO_EDIT),
        aggregated("view", Map.of(AGGREGATE_TO_EDIT, "true"), AGGREGATE_TO_VIEW),
        role("system:aggregate-to-admin", Map.of(AGGREGATE_TO_ADMIN, "true"), aggregateToAdmin()),
        role("system:aggregate-to-edit", Map.of(AGGREGATE_TO_EDIT, "true"), aggregateToEdit()),
        role("system:aggregate-to-view", Map.of(AGGREGATE_TO_VIEW, "true"), aggregateToView()));
  }

  /** The default ClusterRoleBindings, each named as its ClusterRole. */
  public static List<Binding> clusterRoleBindings() {
    return List.of(
        binding("cluster-admin", Subject.group(RbacPolicy.SYSTEM_MASTERS)),
        binding("system:discovery", Subject.group(AUTHENTICATED)),
        binding("system:basic-user", Subject.group(AUTHENTICATED)),
        binding("system:public-info-viewer", Subject.group(AUTHENTICATED),
            Subject.group(UNAUTHENTICATED)));
  }

  /** The ClusterRoles then the ClusterRoleBindings. */
  public static List<RbacObject> objects() {
    List<RbacObject> all = new ArrayList<>(clusterRoles());
    all.addAll(clusterRoleBindings());
    return all;
  }

  /**
   * The objects as the JSON to create ({@link #objects()} order, ClusterRoles first so that no
   * binding is created before its role), with the bootstrap label and the autoupdate annotation.
   * Each call returns new trees.
   */
  public static List<ObjectNode> json() {
    List<ObjectNode> out = new ArrayList<>();
    for (RbacObject o : objects()) {
      ObjectNode n = RbacJson.toJson(o);
      ObjectNode meta = (ObjectNode) n.get("metadata");
      if (!meta.has("labels")) {
        meta.putObject("labels");
      }
      ((ObjectNode) meta.get("labels")).put(BOOTSTRAP_LABEL, BOOTSTRAP_LABEL_VALUE);
      meta.putObject("annotations").put(AUTOUPDATE_ANNOTATION, "true");
      out.add(n);
    }
    return out;
  }

  private static Role role(String name, Map<String, String> labels, List<PolicyRule> rules) {
    return new Role("", name, withBootstrapLabel(labels), rules, Optional.empty());
  }

  private static Role aggregated(String name, Map<String, String> labels, String selectLabel) {
    return new Role("", name, withBootstrapLabel(labels), List.of(),
        Optional.of(AggregationRule.matchingLabel(selectLabel, "true")));
  }

  private static Map<String, String> withBootstrapLabel(Map<String, String> labels) {
    Map<String, String> m = new java.util.HashMap<>(labels);
    m.put(BOOTSTRAP_LABEL, BOOTSTRAP_LABEL_VALUE);
    return m;
  }

  private static Binding binding(String role, Subject... subjects) {
    return Binding.clusterRoleBinding(role, RoleRef.clusterRole(role), List.of(subjects));
  }

  private static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return PolicyRule.verbs(verbs).groups(group).resources(resources).build();
  }

  /** Namespace administration on top of edit: roles and bindings, local access reviews. */
  private static List<PolicyRule> aggregateToAdmin() {
    return List.of(
        rule(List.of("create"), AUTHORIZATION, "localsubjectaccessreviews"),
        rule(READ_WRITE, "rbac.authorization.k8s.io", "roles", "rolebindings"));
  }

  /** Writes on the workload resources, and reading what view leaves out (secrets, exec, ...). */
  private static List<PolicyRule> aggregateToEdit() {
    return List.of(
        rule(READ, CORE, "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
            "services/proxy"),
        rule(List.of("impersonate"), CORE, "serviceaccounts"),
        rule(WRITE, CORE, "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
        rule(List.of("create"), CORE, "pods/eviction"),
        rule(WRITE, CORE, "replicationcontrollers", "replicationcontrollers/scale",
            "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims",
            "configmaps", "secrets", "events"),
        rule(List.of("create"), CORE, "serviceaccounts/token"),
        rule(WRITE, APPS, "statefulsets", "statefulsets/scale", "daemonsets", "deployments",
            "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"),
        rule(WRITE, AUTOSCALING, "horizontalpodautoscalers"),
        rule(WRITE, BATCH, "jobs", "cronjobs"),
        rule(WRITE, EXTENSIONS, "daemonsets", "deployments", "deployments/scale",
            "deployments/rollback", "ingresses", "replicasets", "replicasets/scale",
            "replicationcontrollers/scale", "networkpolicies"),
        rule(WRITE, POLICY, "poddisruptionbudgets"),
        rule(WRITE, NETWORKING, "networkpolicies", "ingresses"),
        rule(READ_WRITE, COORDINATION, "leases"));
  }

  /** Reading the common namespaced resources, but nothing that holds or reveals secrets. */
  private static List<PolicyRule> aggregateToView() {
    return List.of(
        rule(READ, CORE, "pods", "replicationcontrollers", "replicationcontrollers/scale",
            "serviceaccounts", "services", "services/status", "endpoints",
            "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
        rule(READ, CORE, "limitranges", "resourcequotas", "bindings", "events", "pods/status",
            "resourcequotas/status", "namespaces/status", "replicationcontrollers/status",
            "pods/log"),
        rule(READ, CORE, "namespaces"),
        rule(READ, DISCOVERY, "endpointslices"),
        rule(READ, APPS, "controllerrevisions", "statefulsets", "statefulsets/status",
            "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments",
            "deployments/status", "deployments/scale", "replicasets", "replicasets/status",
            "replicasets/scale"),
        rule(READ, AUTOSCALING, "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
        rule(READ, BATCH, "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
        rule(READ, EXTENSIONS, "daemonsets", "daemonsets/status", "deployments",
            "deployments/scale", "deployments/status", "ingresses", "ingresses/status",
            "replicasets", "replicasets/scale", "replicasets/status",
            "replicationcontrollers/scale", "networkpolicies"),
        rule(READ, POLICY, "poddisruptionbudgets", "poddisruptionbudgets/status"),
        rule(READ, NETWORKING, "networkpolicies", "ingresses", "ingresses/status"));
  }
}
