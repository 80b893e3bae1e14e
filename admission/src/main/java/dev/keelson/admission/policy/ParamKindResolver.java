package dev.keelson.admission.policy;

import java.util.Optional;

/**
 * Where objects of a policy's {@code paramKind} live: the apiserver knows its types (built-in
 * and custom), admission does not. Asked on every request that needs params, so a type added
 * later is found without recompiling policies.
 */
@FunctionalInterface
public interface ParamKindResolver {
  /** The resource serving {@code kind} at {@code apiVersion} ("v1", "apps/v1"), if any. */
  Optional<ParamResource> resolve(String apiVersion, String kind);

  /** A resource: its group ("" for core), plural name, and whether it is namespaced. */
  record ParamResource(String group, String resource, boolean namespaced) {
  }
}
