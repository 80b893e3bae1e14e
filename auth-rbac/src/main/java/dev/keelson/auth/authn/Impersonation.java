package dev.keelson.auth.authn;

import dev.keelson.auth.authz.Attributes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request to act as another user, from Kubernetes' impersonation headers:
 * {@code Impersonate-User}, {@code Impersonate-Group} (repeatable), {@code Impersonate-Uid} and
 * {@code Impersonate-Extra-<key>} (repeatable; the key percent-encoded, as kubectl sends it).
 *
 * <p>Each part needs the {@code impersonate} verb, checked by {@link #checks}: on
 * {@code users} (or {@code serviceaccounts} in the account's namespace, for a
 * {@code system:serviceaccount:<ns>:<name>} user), on {@code groups}, on
 * {@code authentication.k8s.io} {@code uids}, and on {@code userextras/<key>}.
 */
public record Impersonation(String user, List<String> groups, String uid,
    Map<String, List<String>> extra) {
  public static final String USER = "Impersonate-User";
  public static final String GROUP = "Impersonate-Group";
  public static final String UID = "Impersonate-Uid";
  public static final String EXTRA_PREFIX = "Impersonate-Extra-";

  public Impersonation {
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }

  /** A request's headers, as the server sees them. */
  public interface Headers {
    /** Every header name of the request. */
    Iterable<String> names();

    /** Every value of one header (any case of its name), empty if absent. */
    List<String> values(String name);
  }

  /**
   * The impersonation a request asks for, if any.
   *
   * @throws IllegalArgumentException if groups, a uid or extras are asked for without a user
   */
  public static Optional<Impersonation> of(Headers h) {
    List<String> users = h.values(USER);
    List<String> groups = h.values(GROUP);
    List<String> uids = h.values(UID);
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String name : h.names()) {
      if (name.regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length())) {
        String key = URLDecoder.decode(name.substring(EXTRA_PREFIX.length()),
            StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(h.values(name));
      }
    }
    if (users.isEmpty() || users.get(0).isEmpty()) {
      if (!groups.isEmpty() || !uids.isEmpty() || !extra.isEmpty()) {
        throw new IllegalArgumentException("requested impersonation of groups, uid or extra "
            + "without impersonating a user");
      }
      return Optional.empty();
    }
    return Optional.of(new Impersonation(users.get(0), groups,
        uids.isEmpty() ? "" : uids.get(0), extra));
  }

  /** What {@code requester} must be allowed, one check per impersonated part. */
  public List<Attributes> checks(UserInfo requester) {
    List<Attributes> out = new ArrayList<>();
    String[] sa = ServiceAccountTokens.accountOf(user);
    out.add(sa != null
        ? Attributes.resource(requester, "impersonate", "", "", "serviceaccounts", "", sa[0],
            sa[1])
        : Attributes.resource(requester, "impersonate", "", "", "users", "", "", user));
    for (String g : groups) {
      out.add(Attributes.resource(requester, "impersonate", "", "", "groups", "", "", g));
    }
    if (!uid.isEmpty()) {
      out.add(Attributes.resource(requester, "impersonate", "authentication.k8s.io", "",
          "uids", "", "", uid));
    }
    extra.forEach((k, values) -> values.forEach(v -> out.add(Attributes.resource(requester,
        "impersonate", "authentication.k8s.io", "", "userextras", k, "", v))));
    return out;
  }

  /**
   * The user the request then runs as: the named user with the named groups, plus the groups
   * Kubernetes adds: a service account's own groups when no group was named, and
   * {@code system:authenticated} for everyone but {@code system:anonymous}.
   */
  public UserInfo asUser() {
    List<String> g = new ArrayList<>(groups);
    String[] sa = ServiceAccountTokens.accountOf(user);
    if (sa != null && groups.isEmpty()) {
      g.add(ServiceAccountTokens.GROUP_ALL);
      g.add(ServiceAccountTokens.GROUP_ALL + ":" + sa[0]);
    }
    if (!user.equals(UserInfo.ANONYMOUS.name()) && !g.contains("system:authenticated")) {
      g.add("system:authenticated");
    }
    return new UserInfo(user, uid, g, extra);
  }
}
