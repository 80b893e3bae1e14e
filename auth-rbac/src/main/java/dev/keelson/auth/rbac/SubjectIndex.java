package dev.keelson.auth.rbac;

import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The grants of one scope (all ClusterRoleBindings, or the RoleBindings of one namespace), found
 * by subject: by user name, where a service-account subject is filed under its user name
 * {@code system:serviceaccount:<ns>:<name>}, and by group name. A binding naming several
 * subjects is filed under each.
 */
final class SubjectIndex {
  static final SubjectIndex EMPTY = new SubjectIndex(Map.of(), Map.of());

  private final Map<String, List<Grant>> byUser;
  private final Map<String, List<Grant>> byGroup;

  private SubjectIndex(Map<String, List<Grant>> byUser, Map<String, List<Grant>> byGroup) {
    this.byUser = byUser;
    this.byGroup = byGroup;
  }

  /** The first grant, in the order bindings were added, with a rule allowing {@code a}. */
  Grant firstAllowing(UserInfo u, Attributes a) {
    Grant g = firstAllowing(byUser.get(u.name()), a);
    if (g != null) {
      return g;
    }
    List<String> groups = u.groups();
    for (int i = 0; i < groups.size(); i++) {
      g = firstAllowing(byGroup.get(groups.get(i)), a);
      if (g != null) {
        return g;
      }
    }
    return null;
  }

  private static Grant firstAllowing(List<Grant> grants, Attributes a) {
    if (grants == null) {
      return null;
    }
    for (int i = 0; i < grants.size(); i++) {
      Grant g = grants.get(i);
      List<PolicyRule> rules = g.rules();
      for (int j = 0; j < rules.size(); j++) {
        if (rules.get(j).allows(a)) {
          return g;
        }
      }
    }
    return null;
  }

  /** Each grant that applies to {@code u}; a grant reached through several subjects repeats. */
  void forEachApplying(UserInfo u, Consumer<Grant> action) {
    byUser.getOrDefault(u.name(), List.of()).forEach(action);
    for (String group : u.groups()) {
      byGroup.getOrDefault(group, List.of()).forEach(action);
    }
  }

  /** Whether {@code s} of binding {@code b} stands for {@code u}. */
  static boolean appliesTo(Binding b, Subject s, UserInfo u) {
    return switch (s.kind()) {
      case USER -> s.name().equals(u.name());
      case GROUP -> u.groups().contains(s.name());
      case SERVICE_ACCOUNT -> b.serviceAccountUser(s).equals(u.name());
    };
  }

  static final class Builder {
    private final Map<String, List<Grant>> byUser = new HashMap<>();
    private final Map<String, List<Grant>> byGroup = new HashMap<>();

    void add(Grant g) {
      Binding b = g.binding();
      for (Subject s : b.subjects()) {
        switch (s.kind()) {
          case USER -> file(byUser, s.name(), g);
          case GROUP -> file(byGroup, s.name(), g);
          case SERVICE_ACCOUNT -> file(byUser, b.serviceAccountUser(s), g);
        }
      }
    }

    private static void file(Map<String, List<Grant>> index, String key, Grant g) {
      List<Grant> list = index.computeIfAbsent(key, k -> new ArrayList<>());
      if (list.isEmpty() || list.get(list.size() - 1) != g) {
        list.add(g);
      }
    }

    SubjectIndex build() {
      if (byUser.isEmpty() && byGroup.isEmpty()) {
        return EMPTY;
      }
      return new SubjectIndex(freeze(byUser), freeze(byGroup));
    }

    private static Map<String, List<Grant>> freeze(Map<String, List<Grant>> m) {
      Map<String, List<Grant>> out = new HashMap<>(m.size() * 2);
      m.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return out;
    }
  }
}
