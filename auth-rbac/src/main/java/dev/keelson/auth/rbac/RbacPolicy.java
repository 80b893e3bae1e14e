package dev.keelson.auth.rbac;

import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;

/**
 * An immutable snapshot of every Role, ClusterRole, RoleBinding and ClusterRoleBinding, indexed
 * for authorization, and the RBAC authorizer over it.
 *
 * <p>What a snapshot precomputes, once:
 * <ul>
 *   <li>each ClusterRole's effective rules: its own rules plus, if it has an aggregation rule,
 *       the effective rules of every ClusterRole whose labels match one of its selectors
 *       (transitively, so {@code admin} gets {@code edit}'s, which gets {@code view}'s; cycles
 *       are harmless);
 *   <li>each binding's rules, resolved from its role reference (a missing role: no rules);
 *   <li>the bindings by subject ({@link SubjectIndex}): one index for ClusterRoleBindings, one
 *       per namespace for RoleBindings.
 * </ul>
 *
 * <p>{@link #authorize} follows Kubernetes' RBAC authorizer: a user in {@value #SYSTEM_MASTERS}
 * is allowed at once; otherwise ClusterRoleBindings are searched, then, for a request in a
 * namespace, that namespace's RoleBindings. A request without a namespace (cluster-scoped
 * resources, lists across namespaces, non-resource URLs) sees ClusterRoleBindings only, so
 * a RoleBinding never grants nodes or {@code /healthz}. RBAC never denies: the answer is ALLOW or
 * NO_OPINION.
 */
public final class RbacPolicy implements Authorizer {
  /** The group whose members may do anything (kube-apiserver's privileged group). */
  public static final String SYSTEM_MASTERS = "system:masters";
  /** The rules a {@value #SYSTEM_MASTERS} member holds: everything. */
  public static final List<PolicyRule> FULL_AUTHORITY = List.of(
      PolicyRule.verbs(PolicyRule.ALL).groups(PolicyRule.ALL).resources(PolicyRule.ALL).build(),
      PolicyRule.verbs(PolicyRule.ALL).urls(PolicyRule.ALL).build());
  // before EMPTY, which uses it
  private static final Comparator<RbacObject> ORDER = Comparator
      .comparing((RbacObject o) -> o.namespace()).thenComparing(RbacObject::name);

  /** No objects: authorizes nothing except {@value #SYSTEM_MASTERS}. */
  public static final RbacPolicy EMPTY = of(List.of());

  private final Map<RbacObject.Key, RbacObject> objects;
  private final Map<String, Role> clusterRoles;
  private final Map<String, Map<String, Role>> roles;
  private final Map<String, List<PolicyRule>> clusterRoleRules;
  private final SubjectIndex clusterBindings;
  private final Map<String, SubjectIndex> namespaceBindings;

  private RbacPolicy(Collection<? extends RbacObject> input) {
    Map<RbacObject.Key, RbacObject> all = new LinkedHashMap<>();
    List<RbacObject> sorted = new ArrayList<>(input);
    sorted.sort(ORDER);
    Map<String, Role> crs = new HashMap<>();
    Map<String, Map<String, Role>> rs = new HashMap<>();
    List<Binding> bindings = new ArrayList<>();
    for (RbacObject o : sorted) {
      if (all.put(o.key(), o) != null) {
        throw new IllegalArgumentException("two objects with the same kind, namespace and name: "
            + o.key());
      }
      if (o instanceof Role r) {
        if (r.namespace().isEmpty()) {
          crs.put(r.name(), r);
        } else {
          rs.computeIfAbsent(r.namespace(), k -> new HashMap<>()).put(r.name(), r);
        }
      } else {
        bindings.add((Binding) o);
      }
    }
    this.objects = Collections.unmodifiableMap(all);
    this.clusterRoles = Map.copyOf(crs);
    Map<String, Map<String, Role>> frozen = new HashMap<>();
    rs.forEach((ns, m) -> frozen.put(ns, Map.copyOf(m)));
    this.roles = Map.copyOf(frozen);
    this.clusterRoleRules = aggregate(sorted);

    SubjectIndex.Builder cluster = new SubjectIndex.Builder();
    Map<String, SubjectIndex.Builder> perNamespace = new HashMap<>();
    for (Binding b : bindings) {
      Grant g = new Grant(b, rulesOf(b.roleRef(), b.namespace()).orElse(List.of()));
      if (b.namespace().isEmpty()) {
        cluster.add(g);
      } else {
        perNamespace.computeIfAbsent(b.namespace(), k -> new SubjectIndex.Builder()).add(g);
      }
    }
    this.clusterBindings = cluster.build();
    Map<String, SubjectIndex> nsIndex = new HashMap<>();
    perNamespace.forEach((ns, builder) -> nsIndex.put(ns, builder.build()));
    this.namespaceBindings = Map.copyOf(nsIndex);
  }

  /**
   * A snapshot of these objects.
   *
   * @throws IllegalArgumentException if two objects have the same kind, namespace and name
   */
  public static RbacPolicy of(Collection<? extends RbacObject> objects) {
    return new RbacPolicy(objects);
  }

  /** Each ClusterRole's own rules plus those of the roles it aggregates, transitively. */
  private static Map<String, List<PolicyRule>> aggregate(List<RbacObject> sorted) {
    List<Role> crs = new ArrayList<>();
    for (RbacObject o : sorted) {
      if (o instanceof Role r && r.namespace().isEmpty()) {
        crs.add(r);
      }
    }
    // direct edges first (aggregating role -> roles its selectors match), then a walk per role
    Map<Role, List<Role>> selected = new IdentityHashMap<>();
    for (Role r : crs) {
      r.aggregationRule().ifPresent(rule -> {
        List<Role> matches = new ArrayList<>();
        for (Role c : crs) {
          if (c != r && rule.selects(c.labels())) {
            matches.add(c);
          }
        }
        selected.put(r, matches);
      });
    }
    Map<String, List<PolicyRule>> out = new HashMap<>();
    for (Role r : crs) {
      if (!selected.containsKey(r)) {
        out.put(r.name(), r.rules());
        continue;
      }
      Set<PolicyRule> rules = new LinkedHashSet<>();
      Set<Role> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      Queue<Role> queue = new ArrayDeque<>();
      queue.add(r);
      seen.add(r);
      while (!queue.isEmpty()) {
        Role next = queue.remove();
        rules.addAll(next.rules());
        for (Role m : selected.getOrDefault(next, List.of())) {
          if (seen.add(m)) {
            queue.add(m);
          }
        }
      }
      out.put(r.name(), List.copyOf(rules));
    }
    return Map.copyOf(out);
  }

  @Override
  public Decision authorize(Attributes a) {
    UserInfo u = a.user();
    if (u == null) {
      return Decision.noOpinion();
    }
    if (u.groups().contains(SYSTEM_MASTERS)) {
      return Decision.allow("RBAC: allowed because user " + Quoting.quote(u.name())
          + " is in group \"" + SYSTEM_MASTERS + "\"");
    }
    Grant g = clusterBindings.firstAllowing(u, a);
    if (g == null) {
      String ns = a.resourceRequest() && a.namespace() != null ? a.namespace() : "";
      if (ns.isEmpty()) {
        return Decision.noOpinion();
      }
      g = namespaceBindings.getOrDefault(ns, SubjectIndex.EMPTY).firstAllowing(u, a);
      if (g == null) {
        return Decision.noOpinion();
      }
    }
    return Decision.allow("RBAC: allowed by " + g.binding().describe(subjectFor(g.binding(), u)));
  }

  /** The first subject of {@code b} that stands for {@code u}, as Kubernetes reports it. */
  private static Subject subjectFor(Binding b, UserInfo u) {
    for (Subject s : b.subjects()) {
      if (SubjectIndex.appliesTo(b, s, u)) {
        return s;
      }
    }
    throw new IllegalStateException("binding " + b.key() + " was indexed under a subject it "
        + "does not name");
  }

  /**
   * The rules that RBAC holds for {@code user} in {@code namespace} (empty: cluster-wide, that is
   * from ClusterRoleBindings only), without duplicates. A {@value #SYSTEM_MASTERS} member holds
   * {@link #FULL_AUTHORITY}. As in Kubernetes, non-resource rules of a ClusterRole bound by a
   * RoleBinding are listed although they never authorize a request; they do count as held in
   * escalation checks.
   */
  public UserRules rulesFor(UserInfo user, String namespace) {
    Set<PolicyRule> rules = new LinkedHashSet<>();
    if (user.groups().contains(SYSTEM_MASTERS)) {
      rules.addAll(FULL_AUTHORITY);
    }
    Set<Grant> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    clusterBindings.forEachApplying(user, g -> {
      if (seen.add(g)) {
        rules.addAll(g.rules());
      }
    });
    if (namespace != null && !namespace.isEmpty()) {
      namespaceBindings.getOrDefault(namespace, SubjectIndex.EMPTY).forEachApplying(user, g -> {
        if (seen.add(g)) {
          rules.addAll(g.rules());
        }
      });
    }
    List<PolicyRule> resource = new ArrayList<>();
    List<PolicyRule> nonResource = new ArrayList<>();
    for (PolicyRule r : rules) {
      (r.isResourceRule() ? resource : nonResource).add(r);
    }
    return new UserRules(resource, nonResource);
  }

  /**
   * The effective rules of the role {@code ref} names, as a binding in {@code bindingNamespace}
   * (empty for a ClusterRoleBinding) resolves it; empty if there is no such role.
   */
  public Optional<List<PolicyRule>> rulesOf(RoleRef ref, String bindingNamespace) {
    if (ref.kind() == RbacKind.CLUSTER_ROLE) {
      return Optional.ofNullable(clusterRoleRules.get(ref.name()));
    }
    if (bindingNamespace == null || bindingNamespace.isEmpty()) {
      return Optional.empty();
    }
    Role r = roles.getOrDefault(bindingNamespace, Map.of()).get(ref.name());
    return r == null ? Optional.empty() : Optional.of(r.rules());
  }

  public Optional<Role> clusterRole(String name) {
    return Optional.ofNullable(clusterRoles.get(name));
  }

  public Optional<Role> role(String namespace, String name) {
    return Optional.ofNullable(roles.getOrDefault(namespace, Map.of()).get(name));
  }

  /** Every object of the snapshot, ordered by namespace then name. */
  public Collection<RbacObject> objects() {
    return objects.values();
  }

  public Optional<RbacObject> get(RbacObject.Key key) {
    return Optional.ofNullable(objects.get(key));
  }

  public int size() {
    return objects.size();
  }
}
