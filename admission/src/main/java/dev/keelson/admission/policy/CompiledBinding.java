package dev.keelson.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.match.LabelSelectors;
import dev.keelson.admission.match.MatchResources;
import dev.keelson.auth.rbac.LabelSelector;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A ValidatingAdmissionPolicyBinding, read once per update: the policy it binds, where its
 * params are, which requests it narrows the policy to, and what a failed validation does.
 * {@code configurationError} is set when the binding cannot be used (an invalid selector); a
 * matching request then fails or passes by the policy's failurePolicy.
 */
record CompiledBinding(String name, String policyName, ParamRef paramRef,
    MatchResources matchResources, Set<String> validationActions, String configurationError) {
  static final String DENY = "Deny";
  static final String WARN = "Warn";
  static final String AUDIT = "Audit";

  /** {@code spec.paramRef}: one object by name, or those a selector picks. */
  record ParamRef(String name, String namespace, LabelSelector selector,
      boolean denyWhenMissing) {
  }

  static CompiledBinding read(ObjectNode binding) {
    String name = binding.path("metadata").path("name").asText();
    JsonNode spec = binding.path("spec");
    Set<String> actions = new LinkedHashSet<>();
    spec.path("validationActions").forEach(a -> actions.add(a.asText()));
    MatchResources match = MatchResources.everything();
    ParamRef paramRef = null;
    String error = null;
    try {
      match = MatchResources.parse(spec.get("matchResources"));
      JsonNode ref = spec.get("paramRef");
      if (ref != null && ref.isObject()) {
        paramRef = new ParamRef(ref.path("name").asText(""), ref.path("namespace").asText(""),
            ref.has("selector")
                ? LabelSelectors.parse(ref.get("selector"), "paramRef.selector") : null,
            "Deny".equals(ref.path("parameterNotFoundAction").asText()));
      }
    } catch (IllegalArgumentException e) {
      error = e.getMessage();
    }
    return new CompiledBinding(name, spec.path("policyName").asText(), paramRef, match,
        java.util.Collections.unmodifiableSet(actions), error);
  }
}
