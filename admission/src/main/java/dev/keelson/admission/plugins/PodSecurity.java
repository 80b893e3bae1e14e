package dev.keelson.admission.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.ValidatingAdmission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' PodSecurity plugin: the Pod Security Standards (the {@code baseline} and
 * {@code restricted} levels, as of Kubernetes 1.32), chosen per namespace by the labels
 * {@code pod-security.kubernetes.io/enforce}, {@code warn} and {@code audit} (each with an
 * optional {@code -version}; every version is judged by the latest rules).
 *
 * <ul>
 *   <li>enforce: a pod that breaks the level is refused, 403, "violates PodSecurity ...";
 *   <li>warn: the write goes on with a warning "would violate PodSecurity ...";
 *   <li>audit: the write goes on and the violation is logged.
 * </ul>
 * Pods are checked on create and on updates that change their spec; workload objects with a
 * pod template (Deployment, Job, CronJob and the like) only warn and audit, as in Kubernetes.
 * Raising a namespace's enforce level warns about the pods already there that it would refuse.
 * The violations are listed in the order of the checks' ids, each as "{@code reason (detail)}".
 */
public final class PodSecurity implements ValidatingAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(PodSecurity.class);
  private static final String LABEL = "pod-security.kubernetes.io/";

  /** The levels; privileged allows everything. */
  enum Level { PRIVILEGED, BASELINE, RESTRICTED }

  /** Where each workload kind keeps its pod spec. */
  private static final Map<String, List<String>> TEMPLATES = Map.of(
      "/replicationcontrollers", List.of("spec", "template", "spec"),
      "/podtemplates", List.of("template", "spec"),
      "apps/deployments", List.of("spec", "template", "spec"),
      "apps/replicasets", List.of("spec", "template", "spec"),
      "apps/statefulsets", List.of("spec", "template", "spec"),
      "apps/daemonsets", List.of("spec", "template", "spec"),
      "batch/jobs", List.of("spec", "template", "spec"),
      "batch/cronjobs", List.of("spec", "jobTemplate", "spec", "template", "spec"));

  private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN",
      "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
      "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes");
  private static final Set<String> SELINUX_TYPES = Set.of("", "container_t",
      "container_init_t", "container_kvm_t", "container_engine_t");
  private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi",
      "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

  private final ObjectReader reader;

  public PodSecurity(ObjectReader reader) {
    this.reader = reader;
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (r.group().isEmpty() && r.resource().equals("namespaces")
        && r.operation() == Operation.UPDATE && r.object() != null && r.oldObject() != null) {
      warnAboutExistingPods(r);
      return;
    }
    if (r.object() == null || !r.subresource().isEmpty() || r.namespace().isEmpty()
        || (r.operation() != Operation.CREATE && r.operation() != Operation.UPDATE)) {
      return;
    }
    boolean pod = r.group().isEmpty() && r.resource().equals("pods");
    List<String> path = pod ? List.of("spec") : TEMPLATES.get(r.group() + "/" + r.resource());
    if (path == null) {
      return;
    }
    JsonNode spec = at(r.object(), path);
    if (r.operation() == Operation.UPDATE && r.oldObject() != null
        && spec.equals(at(r.oldObject(), path))) {
      return; // metadata or status only: nothing the standards judge changed
    }
    Optional<ObjectNode> ns = reader.get("", "namespaces", "", r.namespace());
    if (ns.isEmpty()) {
      return; // NamespaceLifecycle refuses it
    }
    JsonNode labels = ns.get().path("metadata").path("labels");
    JsonNode meta = r.object().path("metadata");
    if (pod) {
      Policy enforce = Policy.of(labels, "enforce");
      List<String> broken = check(enforce.level, spec, meta);
      if (!broken.isEmpty()) {
        throw AdmissionException.forbidden(r, "violates PodSecurity \"" + enforce + "\": "
            + String.join(", ", broken));
      }
    }
    Policy warn = Policy.of(labels, "warn");
    List<String> warned = check(warn.level, spec, meta);
    if (!warned.isEmpty()) {
      r.effects().warn("would violate PodSecurity \"" + warn + "\": "
          + String.join(", ", warned));
    }
    Policy audit = Policy.of(labels, "audit");
    List<String> audited = check(audit.level, spec, meta);
    if (!audited.isEmpty()) {
      LOG.info("PodSecurity audit: {} {}/{} by {} would violate \"{}\": {}", r.resource(),
          r.namespace(), r.name(), r.user().name(), audit, String.join(", ", audited));
    }
  }

  /**
   * When a namespace's enforce level (or its version) changes, warns about the pods already in
   * it that the new level would refuse, as Kubernetes does: one warning naming the level, then
   * one per set of violations ("{@code web-1 (and 2 other pods): privileged, ...}").
   */
  private void warnAboutExistingPods(AdmissionRequest r) {
    JsonNode labels = r.object().path("metadata").path("labels");
    JsonNode oldLabels = r.oldObject().path("metadata").path("labels");
    Policy enforce = Policy.of(labels, "enforce");
    if (enforce.level == Level.PRIVILEGED
        || enforce.toString().equals(Policy.of(oldLabels, "enforce").toString())) {
      return;
    }
    Map<String, List<String>> podsByViolations = new LinkedHashMap<>();
    for (ObjectNode pod : reader.list("", "pods", r.name())) {
      List<String> broken = check(enforce.level, pod.path("spec"), pod.path("metadata"));
      if (broken.isEmpty()) {
        continue;
      }
      List<String> reasons = new ArrayList<>();
      for (String b : broken) {
        int paren = b.indexOf(" (");
        reasons.add(paren < 0 ? b : b.substring(0, paren));
      }
      podsByViolations.computeIfAbsent(String.join(", ", reasons), k -> new ArrayList<>())
          .add(pod.path("metadata").path("name").asText());
    }
    if (podsByViolations.isEmpty()) {
      return;
    }
    r.effects().warn("existing pods in namespace \"" + r.name() + "\" violate the new "
        + "PodSecurity enforce level \"" + enforce + "\"");
    podsByViolations.forEach((reasons, pods) -> r.effects().warn(pods.get(0)
        + (pods.size() > 1 ? " (and " + (pods.size() - 1) + " other pod"
            + (pods.size() > 2 ? "s" : "") + ")" : "") + ": " + reasons));
  }

  private static JsonNode at(JsonNode n, List<String> path) {
    for (String p : path) {
      n = n.path(p);
    }
    return n;
  }

  /** A level and its version from a namespace's labels for one mode. */
  private record Policy(Level level, String version) {
    static Policy of(JsonNode labels, String mode) {
      String l = labels.path(LABEL + mode).asText("privileged");
      Level level = switch (l) {
        case "baseline" -> Level.BASELINE;
        case "restricted" -> Level.RESTRICTED;
        default -> Level.PRIVILEGED;
      };
      return new Policy(level, labels.path(LABEL + mode + "-version").asText("latest"));
    }

    @Override
    public String toString() {
      return level.name().toLowerCase() + ":" + version;
    }
  }

  /** A container and the pod-level fallbacks the checks consult. */
  private record Container(String name, JsonNode sc) {
  }

  /** What {@code spec} breaks of {@code level}, in Kubernetes' words and check order. */
  static List<String> check(Level level, JsonNode spec, JsonNode meta) {
    List<String> out = new ArrayList<>();
    if (level == Level.PRIVILEGED) {
      return out;
    }
    boolean restricted = level == Level.RESTRICTED;
    List<Container> containers = new ArrayList<>();
    for (String f : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : spec.path(f)) {
        containers.add(new Container(c.path("name").asText(), c.path("securityContext")));
      }
    }
    JsonNode podSc = spec.path("securityContext");
    if (restricted) {
      List<String> escalating = names(containers,
          c -> !c.sc.path("allowPrivilegeEscalation").isBoolean()
              || c.sc.path("allowPrivilegeEscalation").asBoolean());
      add(out, "allowPrivilegeEscalation != false", escalating, " must set "
          + "securityContext.allowPrivilegeEscalation=false");
    }
    appArmor(out, podSc, containers, meta);
    capabilities(out, containers, restricted);
    List<String> hostNs = new ArrayList<>();
    for (String f : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (spec.path(f).asBoolean(false)) {
        hostNs.add(f + "=true");
      }
    }
    if (!hostNs.isEmpty()) {
      out.add("host namespaces (" + String.join(", ", hostNs) + ")");
    }
    List<String> hostPaths = new ArrayList<>();
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("hostPath")) {
        hostPaths.add(v.path("name").asText());
      }
    }
    if (!hostPaths.isEmpty()) {
      out.add("hostPath volumes (" + plural(hostPaths, "volume", "volumes") + ")");
    }
    hostPorts(out, spec);
    List<String> hostProcess = names(containers,
        c -> c.sc.path("windowsOptions").path("hostProcess").asBoolean(false));
    if (podSc.path("windowsOptions").path("hostProcess").asBoolean(false)
        || !hostProcess.isEmpty()) {
      out.add("hostProcess (pod or containers must not set "
          + "securityContext.windowsOptions.hostProcess=true)");
    }
    add(out, "privileged", names(containers, c -> c.sc.path("privileged").asBoolean(false)),
        " must not set securityContext.privileged=true");
    List<String> procMount = names(containers,
        c -> !c.sc.path("procMount").asText("Default").equals("Default"));
    add(out, "procMount", procMount, " must not set securityContext.procMount");
    if (restricted) {
      List<String> bad = new ArrayList<>();
      for (JsonNode v : spec.path("volumes")) {
        v.fieldNames().forEachRemaining(f -> {
          if (!f.equals("name") && !RESTRICTED_VOLUMES.contains(f)) {
            bad.add("volume \"" + v.path("name").asText() + "\" uses restricted volume type \""
                + f + "\"");
          }
        });
      }
      if (!bad.isEmpty()) {
        out.add("restricted volume types (" + String.join(", ", bad) + ")");
      }
      runAsNonRoot(out, podSc, containers);
      List<String> root = new ArrayList<>();
      if (podSc.path("runAsUser").isNumber() && podSc.path("runAsUser").asLong() == 0) {
        root.add("pod");
      }
      List<String> rootContainers = names(containers,
          c -> c.sc.path("runAsUser").isNumber() && c.sc.path("runAsUser").asLong() == 0);
      if (!rootContainers.isEmpty()) {
        root.add(plural(rootContainers, "container", "containers"));
      }
      if (!root.isEmpty()) {
        out.add("runAsUser=0 (" + String.join(" and ", root) + " must not set runAsUser=0)");
      }
    }
    seLinux(out, podSc, containers);
    seccomp(out, podSc, containers, restricted);
    List<String> sysctls = new ArrayList<>();
    for (JsonNode s : podSc.path("sysctls")) {
      if (!SAFE_SYSCTLS.contains(s.path("name").asText())) {
        sysctls.add(s.path("name").asText());
      }
    }
    if (!sysctls.isEmpty()) {
      out.add("forbidden sysctls (" + String.join(", ", sysctls) + ")");
    }
    return out;
  }

  private static void appArmor(List<String> out, JsonNode podSc, List<Container> containers,
      JsonNode meta) {
    List<String> bad = new ArrayList<>();
    if (unconfinedAppArmor(podSc.path("appArmorProfile"))) {
      bad.add("pod");
    }
    List<String> cs = names(containers, c -> unconfinedAppArmor(c.sc.path("appArmorProfile")));
    if (!cs.isEmpty()) {
      bad.add(plural(cs, "container", "containers"));
    }
    meta.path("annotations").fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")
          && !e.getValue().asText().equals("runtime/default")
          && !e.getValue().asText().startsWith("localhost/")) {
        bad.add("annotation " + e.getKey() + "=\"" + e.getValue().asText() + "\"");
      }
    });
    if (!bad.isEmpty()) {
      out.add("forbidden AppArmor profile (" + String.join(", ", bad) + " must not set "
          + "an unconfined AppArmor profile)");
    }
  }

  private static boolean unconfinedAppArmor(JsonNode profile) {
    return profile.path("type").asText("").equals("Unconfined");
  }

  private static void capabilities(List<String> out, List<Container> containers,
      boolean restricted) {
    List<String> nonDefault = new ArrayList<>();
    for (Container c : containers) {
      List<String> added = new ArrayList<>();
      for (JsonNode cap : c.sc.path("capabilities").path("add")) {
        if (!BASELINE_CAPABILITIES.contains(cap.asText())) {
          added.add("\"" + cap.asText() + "\"");
        }
      }
      if (!added.isEmpty()) {
        nonDefault.add("container \"" + c.name + "\" must not include " + String.join(", ",
            added) + " in securityContext.capabilities.add");
      }
    }
    if (!nonDefault.isEmpty()) {
      out.add("non-default capabilities (" + String.join(", ", nonDefault) + ")");
    }
    if (!restricted) {
      return;
    }
    List<String> unrestricted = new ArrayList<>();
    List<String> noDrop = names(containers, c -> {
      for (JsonNode d : c.sc.path("capabilities").path("drop")) {
        if (d.asText().equals("ALL")) {
          return false;
        }
      }
      return true;
    });
    if (!noDrop.isEmpty()) {
      unrestricted.add(plural(noDrop, "container", "containers")
          + " must set securityContext.capabilities.drop=[\"ALL\"]");
    }
    for (Container c : containers) {
      List<String> added = new ArrayList<>();
      for (JsonNode cap : c.sc.path("capabilities").path("add")) {
        if (!cap.asText().equals("NET_BIND_SERVICE")) {
          added.add("\"" + cap.asText() + "\"");
        }
      }
      if (!added.isEmpty()) {
        unrestricted.add("container \"" + c.name + "\" must not include " + String.join(", ",
            added) + " in securityContext.capabilities.add");
      }
    }
    if (!unrestricted.isEmpty()) {
      out.add("unrestricted capabilities (" + String.join("; ", unrestricted) + ")");
    }
  }

  private static void hostPorts(List<String> out, JsonNode spec) {
    List<String> names = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    for (String f : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : spec.path(f)) {
        boolean uses = false;
        for (JsonNode p : c.path("ports")) {
          if (p.path("hostPort").asInt(0) != 0) {
            ports.add(p.path("hostPort").asText());
            uses = true;
          }
        }
        if (uses) {
          names.add(c.path("name").asText());
        }
      }
    }
    if (!names.isEmpty()) {
      out.add("hostPort (" + plural(names, "container", "containers")
          + (names.size() == 1 ? " uses " : " use ") + (ports.size() == 1 ? "hostPort "
          : "hostPorts ") + String.join(", ", ports) + ")");
    }
  }

  private static void runAsNonRoot(List<String> out, JsonNode podSc,
      List<Container> containers) {
    boolean podTrue = podSc.path("runAsNonRoot").asBoolean(false);
    boolean podFalse = podSc.path("runAsNonRoot").isBoolean() && !podTrue;
    List<String> explicitFalse = names(containers, c -> c.sc.path("runAsNonRoot").isBoolean()
        && !c.sc.path("runAsNonRoot").asBoolean());
    List<String> unset = names(containers, c -> !c.sc.path("runAsNonRoot").isBoolean());
    List<String> why = new ArrayList<>();
    if (podFalse) {
      why.add("pod must not set securityContext.runAsNonRoot=false");
    }
    if (!explicitFalse.isEmpty()) {
      why.add(plural(explicitFalse, "container", "containers")
          + " must not set securityContext.runAsNonRoot=false");
    }
    if (!podTrue && !unset.isEmpty()) {
      why.add("pod or " + plural(unset, "container", "containers")
          + " must set securityContext.runAsNonRoot=true");
    }
    if (!why.isEmpty()) {
      out.add("runAsNonRoot != true (" + String.join("; ", why) + ")");
    }
  }

  private static void seLinux(List<String> out, JsonNode podSc, List<Container> containers) {
    List<String> bad = new ArrayList<>();
    if (badSeLinux(podSc.path("seLinuxOptions"))) {
      bad.add("pod");
    }
    List<String> cs = names(containers, c -> badSeLinux(c.sc.path("seLinuxOptions")));
    if (!cs.isEmpty()) {
      bad.add(plural(cs, "container", "containers"));
    }
    if (!bad.isEmpty()) {
      out.add("seLinuxOptions (" + String.join(" and ", bad) + " set forbidden "
          + "securityContext.seLinuxOptions)");
    }
  }

  private static boolean badSeLinux(JsonNode o) {
    return !SELINUX_TYPES.contains(o.path("type").asText("")) || o.has("user")
        || o.has("role");
  }

  private static void seccomp(List<String> out, JsonNode podSc, List<Container> containers,
      boolean restricted) {
    String podType = podSc.path("seccompProfile").path("type").asText("");
    List<String> unconfined = new ArrayList<>();
    if (podType.equals("Unconfined")) {
      unconfined.add("pod");
    }
    List<String> cs = names(containers, c -> c.sc.path("seccompProfile").path("type")
        .asText("").equals("Unconfined"));
    if (!cs.isEmpty()) {
      unconfined.add(plural(cs, "container", "containers"));
    }
    List<String> why = new ArrayList<>();
    if (!unconfined.isEmpty()) {
      why.add(String.join(" and ", unconfined) + " must not set "
          + "securityContext.seccompProfile.type to \"Unconfined\"");
    }
    if (restricted) {
      boolean podSet = podType.equals("RuntimeDefault") || podType.equals("Localhost");
      List<String> unset = names(containers, c -> !c.sc.path("seccompProfile").has("type"));
      if (!podSet && !unset.isEmpty()) {
        why.add("pod or " + plural(unset, "container", "containers") + " must set "
            + "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
      }
    }
    if (!why.isEmpty()) {
      out.add("seccompProfile (" + String.join("; ", why) + ")");
    }
  }

  private static List<String> names(List<Container> cs,
      java.util.function.Predicate<Container> p) {
    List<String> out = new ArrayList<>();
    for (Container c : cs) {
      if (p.test(c)) {
        out.add(c.name);
      }
    }
    return out;
  }

  private static void add(List<String> out, String reason, List<String> containers,
      String detail) {
    if (!containers.isEmpty()) {
      out.add(reason + " (" + plural(containers, "container", "containers") + detail + ")");
    }
  }

  /** {@code container "a"} or {@code containers "a", "b"}. */
  private static String plural(List<String> names, String one, String many) {
    List<String> quoted = new ArrayList<>();
    names.forEach(n -> quoted.add("\"" + n + "\""));
    return (names.size() == 1 ? one : many) + " " + String.join(", ", quoted);
  }
}
