package dev.keelson.api.registry;

import java.util.List;

/**
 * One served resource: where it lives in the URL space and the store, and what it supports.
 * {@code group} is "" for the core group. {@code scale} is null when there is no scale
 * subresource.
 */
public record ResourceType(String group, String version, String resource, String kind,
    String singular, boolean namespaced, List<String> shortNames, List<String> categories,
    boolean statusSubresource, Scale scale) {

  /** Where a scalable resource keeps its replica counts and selector (JSON paths, dotted). */
  public record Scale(String specReplicasPath, String statusReplicasPath,
      String labelSelectorPath) {}

  public ResourceType {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    if (resource.isEmpty() || kind.isEmpty() || version.isEmpty()) {
      throw new IllegalArgumentException("resource, kind and version are required");
    }
  }

  /** "v1" for the core group, else "group/version". */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** "deployments.apps", or "pods" for the core group: how messages name the resource. */
  public String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** Every object of this type is under this key prefix. */
  public String storagePrefix() {
    return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + resource + "/";
  }

  /**
   * The store key of an object of any type, by group ("" for core), resource, namespace ("" for
   * cluster-scoped objects) and name.
   */
  public static String keyOf(String group, String resource, String namespace, String name) {
    return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + resource + "/"
        + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }

  /** The store key of one object ({@code namespace} ignored for cluster-scoped types). */
  public String key(String namespace, String name) {
    return namespaced ? storagePrefix() + namespace + "/" + name : storagePrefix() + name;
  }

  /** The key prefix of a list: one namespace, or all of them ({@code namespace} null). */
  public String listPrefix(String namespace) {
    return namespaced && namespace != null ? storagePrefix() + namespace + "/" : storagePrefix();
  }

  public String listKind() {
    return kind + "List";
  }

  public List<String> verbs() {
    return List.of("create", "delete", "deletecollection", "get", "list", "patch", "update",
        "watch");
  }
}
