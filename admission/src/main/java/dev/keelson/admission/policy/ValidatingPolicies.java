package dev.keelson.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.ValidatingAdmission;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.admission.cel.CelActivation;
import dev.keelson.admission.match.MatchResources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ValidatingAdmissionPolicy plugin (admissionregistration.k8s.io/v1, as Kubernetes 1.32):
 * every policy that has bindings, compiled; {@link #update} swaps the whole set atomically,
 * {@link #validate} reads one consistent set without locking.
 *
 * <p>For a request, each policy whose matchConstraints match is evaluated once per matching
 * binding and per param the binding selects. A failed validation is acted on by the binding's
 * validationActions: Deny refuses the request (after every policy ran: the first denial is
 * reported), Warn adds a {@code Warning} header, Audit writes a line to the
 * {@value #AUDIT_LOGGER} logger. The refusal reads, as kube-apiserver's:
 *
 * <pre>
 *   deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b'
 *   denied request: failed expression: object.spec.replicas &lt;= 5
 * </pre>
 *
 * with the validation's reason and its code (Invalid 422 by default, Forbidden 403,
 * Unauthorized 401, RequestEntityTooLarge 413).
 */
public final class ValidatingPolicies implements ValidatingAdmission {
  public static final String AUDIT_LOGGER = "dev.keelson.admission.policy.audit";
  private static final Logger LOG = LoggerFactory.getLogger(ValidatingPolicies.class);
  private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);

  /** A policy and its bindings, both in name order. */
  private record Entry(CompiledPolicy policy, List<CompiledBinding> bindings) {
  }

  private record Snapshot(List<Entry> entries, Map<String, List<String>> compileErrors) {
  }

  private final ObjectReader reader;
  private final ParamKindResolver kinds;
  private final AdmissionCel cel;
  /** Replaced whole by update(); read without locks. */
  private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of());

  public ValidatingPolicies(ObjectReader reader, ParamKindResolver kinds) {
    this(reader, kinds, new AdmissionCel());
  }

  public ValidatingPolicies(ObjectReader reader, ParamKindResolver kinds, AdmissionCel cel) {
    this.reader = Objects.requireNonNull(reader);
    this.kinds = Objects.requireNonNull(kinds);
    this.cel = Objects.requireNonNull(cel);
  }

  /**
   * Replaces every policy and binding (the watch cache's current lists). Never throws for a
   * bad object: expressions that do not compile are logged once (when they change) and
   * reported by {@link #compileErrors}, and fail at evaluation by the policy's failurePolicy.
   * Unchanged expressions are not recompiled.
   */
  public synchronized void update(List<ObjectNode> policies, List<ObjectNode> bindings) {
    Map<String, List<CompiledBinding>> byPolicy = new HashMap<>();
    for (ObjectNode b : bindings) {
      CompiledBinding binding = CompiledBinding.read(b);
      byPolicy.computeIfAbsent(binding.policyName(), k -> new ArrayList<>()).add(binding);
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, List<String>> errors = new LinkedHashMap<>();
    Map<String, List<String>> previous = snapshot.compileErrors();
    for (ObjectNode p : policies) {
      CompiledPolicy policy;
      try {
        policy = CompiledPolicy.compile(p, cel);
      } catch (RuntimeException e) {
        // a policy malformed beyond what the API validates: keep the others
        LOG.warn("ValidatingAdmissionPolicy {} skipped: {}", p.path("metadata").path("name")
            .asText(), e.toString());
        continue;
      }
      if (!policy.compileErrors.isEmpty()) {
        errors.put(policy.name, policy.compileErrors);
        if (!policy.compileErrors.equals(previous.get(policy.name))) {
          LOG.warn("ValidatingAdmissionPolicy {} has expressions that do not compile (requests "
              + "it matches will {}): {}", policy.name, policy.failOpen ? "skip them"
              : "be refused", policy.compileErrors);
        }
      }
      List<CompiledBinding> bound = byPolicy.getOrDefault(policy.name, List.of());
      if (!bound.isEmpty()) {
        bound.sort(Comparator.comparing(CompiledBinding::name));
        entries.add(new Entry(policy, List.copyOf(bound)));
      }
    }
    entries.sort(Comparator.comparing(e -> e.policy().name));
    snapshot = new Snapshot(List.copyOf(entries), Map.copyOf(errors));
    LOG.debug("{} validating admission policies with bindings", entries.size());
  }

  /**
   * The compile errors of each policy that has any (Kubernetes writes them to
   * status.typeChecking), by policy name.
   */
  public Map<String, List<String>> compileErrors() {
    return snapshot.compileErrors();
  }

  @Override
  public void validate(AdmissionRequest r) {
    List<Entry> entries = snapshot.entries();
    // admission configuration itself is never matched (MatchResources), so a bad policy
    // cannot lock out its own repair
    if (entries.isEmpty() || MatchResources.isAdmissionConfiguration(r)) {
      return;
    }
    Map<String, Optional<ObjectNode>> namespaceCache = new HashMap<>();
    MatchResources.NamespaceLookup namespaces = name -> namespaceCache.computeIfAbsent(name,
        n -> reader.get("", "namespaces", "", n));
    CelActivation base = CelActivation.of(r, cel.limits().costBudget());
    Denial denial = null;
    for (Entry entry : entries) {
      CompiledPolicy policy = entry.policy();
      try {
        if (!policy.matchConstraints.matches(r, namespaces)) {
          continue;
        }
      } catch (MatchResources.MatchException e) {
        // as Kubernetes: a policy whose match cannot be decided does not apply
        continue;
      }
      if (policy.configurationError != null) {
        denial = first(denial, configurationError(policy, null,
            "failed to configure policy: " + policy.configurationError));
        continue;
      }
      ParamKindResolver.ParamResource paramResource = null;
      if (policy.paramKind != null) {
        paramResource = kinds.resolve(policy.paramKind.apiVersion(), policy.paramKind.kind())
            .orElse(null);
        if (paramResource == null) {
          denial = first(denial, configurationError(policy, null, "failed to configure policy: "
              + "failed to find resource referenced by paramKind: '" + gvk(policy.paramKind)
              + "'"));
          continue;
        }
      }
      for (CompiledBinding binding : entry.bindings()) {
        Denial d = evaluate(r, policy, binding, paramResource, base, namespaces);
        denial = first(denial, d);
      }
    }
    if (denial != null) {
      throw denial.toException(r);
    }
  }

  /** The denial, if any, of one policy through one binding; warnings and audit lines on the way. */
  private Denial evaluate(AdmissionRequest r, CompiledPolicy policy, CompiledBinding binding,
      ParamKindResolver.ParamResource paramResource, CelActivation base,
      MatchResources.NamespaceLookup namespaces) {
    if (binding.configurationError() != null) {
      return configurationError(policy, binding,
          "failed to configure binding: " + binding.configurationError());
    }
    try {
      if (!binding.matchResources().matches(r, namespaces)) {
        return null;
      }
    } catch (MatchResources.MatchException e) {
      return configurationError(policy, binding, "failed to configure binding: " + e.getMessage());
    }
    List<ObjectNode> params;
    try {
      params = Params.collect(policy, binding, r, paramResource, reader);
    } catch (Params.ParamException e) {
      return configurationError(policy, binding, "failed to configure binding: " + e.getMessage());
    }
    ObjectNode namespaceObject = namespaceObject(r, namespaces);
    Denial denial = null;
    for (ObjectNode param : params) {
      CelActivation activation = base.with(param, namespaceObject, policy.variables,
          cel.limits().costBudget());
      for (Decision d : policy.evaluate(activation)) {
        for (String action : binding.validationActions()) {
          switch (action) {
            case CompiledBinding.DENY -> denial = first(denial,
                new Denial(policy.name, binding.name(), d.message(), d.reason()));
            case CompiledBinding.WARN -> r.effects().warn("Validation failed for "
                + "ValidatingAdmissionPolicy '" + policy.name + "' with binding '"
                + binding.name() + "': " + d.message());
            case CompiledBinding.AUDIT -> AUDIT.info("validation.policy.admission.k8s.io/"
                + "validation_failure policy={} binding={} {} {}/{} {}: {}", policy.name,
                binding.name(), r.operation(), r.namespace(), r.name(), r.resource(),
                d.message());
            default -> LOG.debug("binding {} has unknown validationAction {}", binding.name(),
                action);
          }
        }
      }
    }
    return denial;
  }

  /** The request's Namespace, except for a Namespace itself (as Kubernetes), or null. */
  private static ObjectNode namespaceObject(AdmissionRequest r,
      MatchResources.NamespaceLookup namespaces) {
    boolean namespaceItself = r.group().isEmpty() && r.kind().equals("Namespace");
    if (namespaceItself || r.namespace() == null || r.namespace().isEmpty()) {
      return null;
    }
    return namespaces.namespace(r.namespace()).orElse(null);
  }

  /** Go's GroupVersionKind.String(): "example.com/v1, Kind=Limits", "/v1, Kind=ConfigMap". */
  private static String gvk(CompiledPolicy.ParamKind kind) {
    String apiVersion = kind.apiVersion();
    String groupVersion = apiVersion.contains("/") ? apiVersion : "/" + apiVersion;
    return groupVersion + ", Kind=" + kind.kind();
  }

  private static Denial configurationError(CompiledPolicy policy, CompiledBinding binding,
      String message) {
    if (policy.failOpen) {
      return null;
    }
    return new Denial(policy.name, binding == null ? null : binding.name(), message,
        Decision.INVALID);
  }

  private static Denial first(Denial current, Denial next) {
    return current != null ? current : next;
  }

  /** The refusal the first denied decision makes. */
  private record Denial(String policy, String binding, String message, String reason) {
    AdmissionException toException(AdmissionRequest r) {
      String inner = binding == null
          ? "ValidatingAdmissionPolicy '" + policy + "' denied request: " + message
          : "ValidatingAdmissionPolicy '" + policy + "' with binding '" + binding
              + "' denied request: " + message;
      return new AdmissionException(code(reason), reason,
          AdmissionException.forbiddenMessage(r, inner));
    }

    private static int code(String reason) {
      return switch (reason) {
        case "Forbidden" -> 403;
        case "Unauthorized" -> 401;
        case "RequestEntityTooLarge" -> 413;
        default -> 422;
      };
    }
  }
}
