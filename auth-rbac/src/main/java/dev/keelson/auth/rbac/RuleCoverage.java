package dev.keelson.auth.rbac;

import dev.keelson.auth.authn.UserInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether one set of rules covers another, by Kubernetes' policy comparison: each requested rule
 * is broken down into atoms of one verb and either one (group, resource[, resource name]) or one
 * URL, and every atom must be covered by a single owner rule.
 *
 * <p>An owner rule covers an atom when its verbs are {@code *} or include the verb, its groups
 * are {@code *} or include the group, its resources are {@code *} or include the resource
 * <em>literally</em>, its resource names are empty (or include the atom's name, if the atom has
 * one: an owner restricted to names does not cover an unrestricted atom), and one of its URLs is
 * the atom's URL or a prefix pattern {@code /x/*} of it. Only a bare {@code *} is a wildcard here:
 * an owner holding <code>*&#47;scale</code> or <code>pods/*</code> covers only a requested
 * rule naming that same string, not {@code deployments/scale} or {@code pods/log}, even though
 * the authorizer matches <code>*&#47;scale</code> against {@code deployments/scale}.
 */
public final class RuleCoverage {
  private RuleCoverage() {
  }

  /**
   * The atoms of {@code requested} that no rule of {@code owner} covers; empty if
   * {@code owner} covers all of {@code requested}.
   */
  public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> requested) {
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule r : requested) {
      for (PolicyRule atom : atoms(r)) {
        if (!coveredByAny(owner, atom)) {
          missing.add(atom);
        }
      }
    }
    return missing;
  }

  /** {@code rule} as rules of one verb and one group/resource/name, or one URL, each. */
  static List<PolicyRule> atoms(PolicyRule rule) {
    List<PolicyRule> out = new ArrayList<>();
    for (String group : rule.apiGroups()) {
      for (String resource : rule.resources()) {
        for (String verb : rule.verbs()) {
          if (rule.resourceNames().isEmpty()) {
            out.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(),
                List.of()));
          } else {
            for (String name : rule.resourceNames()) {
              out.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource),
                  List.of(name), List.of()));
            }
          }
        }
      }
    }
    for (String url : rule.nonResourceURLs()) {
      for (String verb : rule.verbs()) {
        out.add(new PolicyRule(List.of(verb), List.of(), List.of(), List.of(), List.of(url)));
      }
    }
    return out;
  }

  private static boolean coveredByAny(List<PolicyRule> owner, PolicyRule atom) {
    for (PolicyRule o : owner) {
      if (covers(o, atom)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code owner} covers {@code atom} (one verb, at most one group/resource/name/URL). */
  static boolean covers(PolicyRule owner, PolicyRule atom) {
    return wildcardOrAll(owner.verbs(), atom.verbs())
        && wildcardOrAll(owner.apiGroups(), atom.apiGroups())
        && wildcardOrAll(owner.resources(), atom.resources())
        && namesCovered(owner.resourceNames(), atom.resourceNames())
        && urlsCovered(owner.nonResourceURLs(), atom.nonResourceURLs());
  }

  private static boolean wildcardOrAll(List<String> owner, List<String> wanted) {
    return owner.contains(PolicyRule.ALL) || owner.containsAll(wanted);
  }

  private static boolean namesCovered(List<String> owner, List<String> wanted) {
    if (wanted.isEmpty()) {
      return owner.isEmpty();
    }
    return owner.isEmpty() || owner.containsAll(wanted);
  }

  private static boolean urlsCovered(List<String> owner, List<String> wanted) {
    for (String path : wanted) {
      boolean covered = false;
      for (String o : owner) {
        if (PolicyRule.urlCovers(o, path)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  /**
   * Atoms merged back where they differ only by verb (one group, one resource, no names), for
   * messages: {@code get pods} and {@code list pods} become one rule {@code [get list] pods}.
   */
  public static List<PolicyRule> compact(List<PolicyRule> rules) {
    List<PolicyRule> out = new ArrayList<>();
    Map<List<String>, List<String>> verbsByResource = new LinkedHashMap<>();
    for (PolicyRule r : rules) {
      boolean simple = r.resourceNames().isEmpty() && r.nonResourceURLs().isEmpty()
          && r.apiGroups().size() == 1 && r.resources().size() == 1;
      if (!simple) {
        out.add(r);
        continue;
      }
      List<String> verbs = verbsByResource.computeIfAbsent(
          List.of(r.apiGroups().get(0), r.resources().get(0)), k -> new ArrayList<>());
      for (String v : r.verbs()) {
        if (!verbs.contains(v)) {
          verbs.add(v);
        }
      }
    }
    verbsByResource.forEach((gr, verbs) -> out.add(new PolicyRule(verbs, List.of(gr.get(0)),
        List.of(gr.get(1)), List.of(), List.of())));
    return out;
  }

  /**
   * Kubernetes' refusal: {@code user "bob" (groups=["dev" "system:authenticated"]) is attempting
   * to grant RBAC permissions not currently held:} then one compact rule per line, sorted.
   */
  public static String describeMissing(UserInfo user, List<PolicyRule> missing) {
    TreeSet<String> lines = new TreeSet<>();
    for (PolicyRule r : compact(missing)) {
      lines.add(r.compactString());
    }
    return "user " + Quoting.quote(user.name()) + " (groups=" + Quoting.list(user.groups())
        + ") is attempting to grant RBAC permissions not currently held:\n"
        + String.join("\n", lines);
  }
}
