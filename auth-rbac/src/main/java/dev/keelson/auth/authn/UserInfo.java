package dev.keelson.auth.authn;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as Kubernetes names users: name, uid, groups and extra attributes. The
 * name is empty only in a SubjectAccessReview that asks about groups alone; authenticators
 * never name a user "".
 */
public record UserInfo(String name, String uid, List<String> groups,
    Map<String, List<String>> extra) {
  /** The user of requests that present no credentials. */
  public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "",
      List.of("system:unauthenticated"), Map.of());
  /** The server itself (controllers inside a master), as kube-apiserver's loopback client. */
  public static final UserInfo SERVER = new UserInfo("system:apiserver", "",
      List.of("system:authenticated", "system:masters"), Map.of());

  public UserInfo {
    if (name == null) {
      throw new IllegalArgumentException("a user needs a name");
    }
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }
}
