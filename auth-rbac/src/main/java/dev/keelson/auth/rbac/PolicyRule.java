package dev.keelson.auth.rbac;

import dev.keelson.auth.authz.Attributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One rule of a role: the verbs it allows either on resources ({@code apiGroups} x
 * {@code resources}, optionally only the objects named in {@code resourceNames}) or on
 * non-resource URL paths ({@code nonResourceURLs}), never both.
 *
 * <p>Matching, as Kubernetes' RBAC authorizer does it:
 * <ul>
 *   <li>verbs: {@code *} or the request's verb;
 *   <li>apiGroups: {@code *} or the request's group ({@code ""} is the core group);
 *   <li>resources: {@code *}; the resource, or {@code resource/subresource} for a subresource
 *       request; or <code>*&#47;subresource</code> for that subresource of any resource.
 *       A rule on {@code pods} does not grant {@code pods/status}, and <code>pods/*</code> is
 *       not a pattern (it matches only a subresource literally named {@code *});
 *   <li>resourceNames: empty means every object; otherwise the request's name must be listed, so
 *       a request without a name (list, watch, create, deletecollection) never matches;
 *   <li>nonResourceURLs: {@code *}, the exact path, or a prefix ending in {@code *}.
 * </ul>
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources,
    List<String> resourceNames, List<String> nonResourceURLs) {

  /** The wildcard of verbs, groups, resources and URLs. */
  public static final String ALL = "*";

  public PolicyRule {
    verbs = copy(verbs, "verbs");
    apiGroups = copy(apiGroups, "apiGroups");
    resources = copy(resources, "resources");
    resourceNames = copy(resourceNames, "resourceNames");
    nonResourceURLs = copy(nonResourceURLs, "nonResourceURLs");
    if (verbs.isEmpty()) {
      throw new InvalidRbacObjectException("verbs: Required value: verbs must contain at least "
          + "one value");
    }
    if (!nonResourceURLs.isEmpty()) {
      if (!apiGroups.isEmpty() || !resources.isEmpty()) {
        throw new InvalidRbacObjectException("nonResourceURLs: Invalid value: rules cannot apply "
            + "to both regular resources and non-resource URLs");
      }
    } else {
      if (apiGroups.isEmpty()) {
        throw new InvalidRbacObjectException("apiGroups: Required value: resource rules must "
            + "supply at least one api group");
      }
      if (resources.isEmpty()) {
        throw new InvalidRbacObjectException("resources: Required value: resource rules must "
            + "supply at least one resource");
      }
    }
  }

  private static List<String> copy(List<String> values, String field) {
    if (values == null) {
      return List.of();
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new InvalidRbacObjectException(field + "[" + i + "]: Required value");
      }
    }
    return List.copyOf(values);
  }

  /** Starts a rule allowing {@code verbs}: {@code PolicyRule.verbs("get").groups("").resources("pods").build()}. */
  public static Builder verbs(String... verbs) {
    return new Builder(List.of(verbs));
  }

  /** Starts a rule allowing {@code verbs}. */
  public static Builder verbs(List<String> verbs) {
    return new Builder(verbs);
  }

  /** Whether this rule is about resources (else it is about non-resource URLs). */
  public boolean isResourceRule() {
    return nonResourceURLs.isEmpty();
  }

  /** Whether this rule allows the request, by the matching described on the class. */
  public boolean allows(Attributes a) {
    if (!matchesVerb(a.verb())) {
      return false;
    }
    if (!a.resourceRequest()) {
      return matchesUrl(orEmpty(a.path()));
    }
    String sub = orEmpty(a.subresource());
    String resource = orEmpty(a.resource());
    return matchesGroup(orEmpty(a.apiGroup()))
        && matchesResource(sub.isEmpty() ? resource : resource + "/" + sub, sub)
        && matchesName(orEmpty(a.name()));
  }

  boolean matchesVerb(String verb) {
    for (String v : verbs) {
      if (v.equals(ALL) || v.equals(verb)) {
        return true;
      }
    }
    return false;
  }

  boolean matchesGroup(String group) {
    for (String g : apiGroups) {
      if (g.equals(ALL) || g.equals(group)) {
        return true;
      }
    }
    return false;
  }

  /** {@code combined} is {@code resource} or {@code resource/subresource}. */
  boolean matchesResource(String combined, String subresource) {
    for (String r : resources) {
      if (r.equals(ALL) || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && r.length() == subresource.length() + 2
          && r.startsWith("*/") && r.endsWith(subresource)) {
        return true;
      }
    }
    return false;
  }

  boolean matchesName(String name) {
    return resourceNames.isEmpty() || resourceNames.contains(name);
  }

  boolean matchesUrl(String path) {
    for (String u : nonResourceURLs) {
      if (urlCovers(u, path)) {
        return true;
      }
    }
    return false;
  }

  /** {@code pattern} is {@code *}, {@code path} itself, or a prefix of it followed by {@code *}. */
  static boolean urlCovers(String pattern, String path) {
    if (pattern.equals(path)) {
      return true;
    }
    if (!pattern.endsWith("*")) {
      return false;
    }
    int end = pattern.length();
    while (end > 0 && pattern.charAt(end - 1) == '*') {
      end--;
    }
    return path.startsWith(pattern.substring(0, end));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * The rule as Kubernetes prints it in escalation errors, empty fields left out:
   * {@code {APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}}.
   */
  public String compactString() {
    List<String> parts = new ArrayList<>();
    add(parts, "APIGroups", apiGroups);
    add(parts, "Resources", resources);
    add(parts, "NonResourceURLs", nonResourceURLs);
    add(parts, "ResourceNames", resourceNames);
    add(parts, "Verbs", verbs);
    return "{" + String.join(", ", parts) + "}";
  }

  private static void add(List<String> parts, String label, List<String> values) {
    if (!values.isEmpty()) {
      parts.add(label + ":" + Quoting.list(values));
    }
  }

  /** Builds a rule field by field; {@link #build()} validates it. */
  public static final class Builder {
    private final List<String> verbs;
    private List<String> groups = List.of();
    private List<String> resources = List.of();
    private List<String> names = List.of();
    private List<String> urls = List.of();

    private Builder(List<String> verbs) {
      this.verbs = List.copyOf(verbs);
    }

    public Builder groups(String... groups) {
      this.groups = Arrays.asList(groups);
      return this;
    }

    public Builder resources(String... resources) {
      this.resources = Arrays.asList(resources);
      return this;
    }

    public Builder names(String... names) {
      this.names = Arrays.asList(names);
      return this;
    }

    public Builder urls(String... urls) {
      this.urls = Arrays.asList(urls);
      return this;
    }

    public PolicyRule build() {
      return new PolicyRule(verbs, groups, resources, names, urls);
    }
  }
}
