package dev.keelson.auth.authz;

import dev.keelson.auth.authn.UserInfo;

/**
 * What a request asks to do, as Kubernetes' authorizers see it: for a resource request the
 * verb (get, list, watch, create, update, patch, delete, deletecollection), API group, version,
 * resource, subresource, namespace and name; otherwise the verb (get, post, ...) and the path.
 */
public record Attributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup,
    String apiVersion, String resource, String subresource, String namespace, String name,
    String path) {

  public static Attributes resource(UserInfo user, String verb, String group, String version,
      String resource, String subresource, String namespace, String name) {
    return new Attributes(user, verb, true, group, version, resource,
        subresource == null ? "" : subresource, namespace == null ? "" : namespace,
        name == null ? "" : name, "");
  }

  public static Attributes nonResource(UserInfo user, String verb, String path) {
    return new Attributes(user, verb, false, "", "", "", "", "", "", path);
  }
}
