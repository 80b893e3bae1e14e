package dev.keelson.admission.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.match.LabelSelectors;
import dev.keelson.auth.rbac.LabelSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The params one binding gives a policy (Kubernetes' CollectParams): none needed is one null
 * param; a name is that object or nothing; a selector is every object it picks, each
 * evaluated in turn. A namespaced paramKind is looked up in paramRef.namespace, else the
 * request's namespace. No params means the policy does not run, unless
 * parameterNotFoundAction is Deny, which is a binding error.
 */
final class Params {
  private Params() {
  }

  /** The binding's params cannot be found as configured. */
  static final class ParamException extends Exception {
    ParamException(String message) {
      super(message);
    }
  }

  /** {@code resource} is where the policy's paramKind lives (null if it has none). */
  static List<ObjectNode> collect(CompiledPolicy policy, CompiledBinding binding,
      AdmissionRequest r, ParamKindResolver.ParamResource resource, ObjectReader reader)
      throws ParamException {
    CompiledPolicy.ParamKind kind = policy.paramKind;
    CompiledBinding.ParamRef ref = binding.paramRef();
    if (kind == null || ref == null) {
      return Collections.singletonList(null);
    }
    String namespace = "";
    if (resource.namespaced()) {
      namespace = !ref.namespace().isEmpty() ? ref.namespace() : nz(r.namespace());
      if (namespace.isEmpty()) {
        throw new ParamException("cannot use namespaced paramRef in policy binding that "
            + "matches cluster-scoped resources");
      }
    } else if (!ref.namespace().isEmpty()) {
      throw new ParamException("paramRef.namespace must not be provided for a cluster-scoped "
          + "`paramKind`");
    }
    List<ObjectNode> params = new ArrayList<>();
    if (!ref.name().isEmpty()) {
      if (ref.selector() != null) {
        throw new ParamException("paramRef.name and paramRef.selector are mutually exclusive");
      }
      Optional<ObjectNode> param = reader.get(resource.group(), resource.resource(), namespace,
          ref.name());
      param.ifPresent(params::add);
    } else if (ref.selector() != null) {
      LabelSelector selector = ref.selector();
      for (ObjectNode o : reader.list(resource.group(), resource.resource(), namespace)) {
        if (selector.matches(LabelSelectors.labelsOf(o))) {
          params.add(o);
        }
      }
    } else {
      throw new ParamException("one of name or selector must be provided");
    }
    if (params.isEmpty() && ref.denyWhenMissing()) {
      throw new ParamException("no params found for policy binding with `Deny` "
          + "parameterNotFoundAction");
    }
    // expressions may read params.apiVersion and params.kind even if storage left them out
    List<ObjectNode> typed = new ArrayList<>(params.size());
    for (ObjectNode p : params) {
      if (!p.has("kind")) {
        p = p.deepCopy();
        p.put("apiVersion", kind.apiVersion());
        p.put("kind", kind.kind());
      }
      typed.add(p);
    }
    return typed;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
