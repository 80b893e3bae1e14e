package dev.keelson.api.http;

import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;

/**
 * What a resource URL names: a type, a namespace (null for all or for cluster-scoped types), an
 * object name (null for the collection) and a subresource (null for the object itself).
 *
 * <pre>
 * /api/v1/[watch/][namespaces/NS/]RESOURCE[/NAME[/SUB]]
 * /apis/GROUP/VERSION/[watch/][namespaces/NS/]RESOURCE[/NAME[/SUB]]
 * /api/v1/namespaces/NAME[/status|/finalize]        (the namespace itself)
 * </pre>
 */
record Target(ResourceType type, String namespace, String name, String subresource,
    boolean watchPath) {

  /** Parses the path after the group-version; null when it names no served type. */
  static Target parse(ResourceTypes types, String group, String version, String[] segs) {
    int i = 0;
    boolean watch = false;
    if (segs.length > 0 && segs[0].equals("watch")) {
      watch = true;
      i = 1;
    }
    int n = segs.length - i;
    if (n <= 0) {
      return null;
    }
    String ns = null;
    if (segs[i].equals("namespaces") && n >= 3
        && !(n == 3 && (segs[i + 2].equals("status") || segs[i + 2].equals("finalize")))) {
      ns = segs[i + 1];
      i += 2;
      n -= 2;
    }
    ResourceType t = types.find(group, version, segs[i]).orElse(null);
    if (t == null) {
      return null;
    }
    if (ns != null && !t.namespaced()) {
      return null;
    }
    String name = n >= 2 ? segs[i + 1] : null;
    String sub = n >= 3 ? segs[i + 2] : null;
    if (n > 3) {
      return null;
    }
    if (sub != null && !(sub.equals("status") && t.statusSubresource())
        && !(sub.equals("scale") && t.scale() != null)
        && !(sub.equals("finalize") && t.kind().equals("Namespace"))) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    if (name != null && name.isEmpty()) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    return new Target(t, ns, name, sub, watch);
  }
}
