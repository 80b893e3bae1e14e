package dev.keelson.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.auth.authn.AuthenticationException;
import dev.keelson.auth.authn.Authenticator;
import dev.keelson.auth.authn.Credentials;
import dev.keelson.auth.authn.ServiceAccountTokens;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import dev.keelson.auth.authz.RuleReviewer;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The create-only resources that are answers rather than stored objects: access reviews
 * ({@code authorization.k8s.io/v1}), SelfSubjectReview and TokenReview
 * ({@code authentication.k8s.io/v1}), and TokenRequest ({@code serviceaccounts/<name>/token}).
 * Each POST returns the request with its {@code status} filled in (201), as kube-apiserver
 * does; nothing is written to the store.
 */
final class Reviews {
  static final String AUTHZ = "authorization.k8s.io";
  static final String AUTHN = "authentication.k8s.io";
  /** Shortest TokenRequest expiry Kubernetes accepts. */
  static final long MIN_EXPIRATION_SECONDS = 600;
  static final long DEFAULT_EXPIRATION_SECONDS = 3600;

  /** One review resource, for discovery and routing. */
  record Kind(String group, String resource, String kind, boolean namespaced) {
    String apiVersion() {
      return group + "/v1";
    }
  }

  static final Kind SSAR = new Kind(AUTHZ, "selfsubjectaccessreviews",
      "SelfSubjectAccessReview", false);
  static final Kind SAR = new Kind(AUTHZ, "subjectaccessreviews", "SubjectAccessReview", false);
  static final Kind LSAR = new Kind(AUTHZ, "localsubjectaccessreviews",
      "LocalSubjectAccessReview", true);
  static final Kind SSRR = new Kind(AUTHZ, "selfsubjectrulesreviews", "SelfSubjectRulesReview",
      false);
  static final Kind SSR = new Kind(AUTHN, "selfsubjectreviews", "SelfSubjectReview", false);
  static final Kind TOKEN_REVIEW = new Kind(AUTHN, "tokenreviews", "TokenReview", false);
  /** The TokenRequest subresource of service accounts (core group). */
  static final Kind TOKEN_REQUEST = new Kind("", "serviceaccounts", "TokenRequest", true);
  static final List<Kind> KINDS = List.of(SSAR, SAR, LSAR, SSRR, SSR, TOKEN_REVIEW);

  /** A POST this class answers: the kind, its namespace (or null) and, for tokens, the name. */
  record Target(Kind kind, String namespace, String name) {}

  private final ObjectMapper json;
  private final Supplier<Authorizer> authorizer;
  private final Supplier<RuleReviewer> rules;
  private final Supplier<Security> security;
  private final Registry registry;
  private final ResourceType serviceAccounts;

  /** The token authenticators a TokenReview consults, and the service-account token signer. */
  record Security(List<Authenticator> tokenAuthenticators, ServiceAccountTokens serviceAccounts) {
    static final Security NONE = new Security(List.of(), null);
  }

  Reviews(ObjectMapper json, Supplier<Authorizer> authorizer, Supplier<RuleReviewer> rules,
      Supplier<Security> security, Registry registry, ResourceType serviceAccounts) {
    this.json = json;
    this.authorizer = authorizer;
    this.rules = rules;
    this.security = security;
    this.registry = registry;
    this.serviceAccounts = serviceAccounts;
  }

  /** The review at {@code /apis/<group>/v1/<tail>} or {@code /api/v1/<tail>}, if any. */
  static Target match(String group, String version, String[] tail) {
    if (!version.equals("v1")) {
      return null;
    }
    if (group.isEmpty()) {
      return tail.length == 5 && tail[0].equals("namespaces") && tail[2].equals("serviceaccounts")
          && tail[4].equals("token") && !tail[3].isEmpty()
          ? new Target(TOKEN_REQUEST, tail[1], tail[3]) : null;
    }
    for (Kind k : KINDS) {
      if (!k.group().equals(group)) {
        continue;
      }
      if (!k.namespaced() && tail.length == 1 && tail[0].equals(k.resource())) {
        return new Target(k, null, null);
      }
      if (k.namespaced() && tail.length == 3 && tail[0].equals("namespaces")
          && tail[2].equals(k.resource())) {
        return new Target(k, tail[1], null);
      }
    }
    return null;
  }

  /** What the requester must be allowed to create this review. */
  static Attributes access(Target t, UserInfo user) {
    return t.kind() == TOKEN_REQUEST
        ? Attributes.resource(user, "create", "", "v1", "serviceaccounts", "token",
            t.namespace(), t.name())
        : Attributes.resource(user, "create", t.kind().group(), "v1", t.kind().resource(), "",
            t.namespace(), "");
  }

  /** Answers the review: the request with its status. */
  ObjectNode answer(Target t, UserInfo user, ObjectNode body) {
    ObjectNode out = body.deepCopy();
    out.put("kind", t.kind().kind());
    out.put("apiVersion", t.kind() == TOKEN_REQUEST ? AUTHN + "/v1" : t.kind().apiVersion());
    if (!out.path("metadata").isObject()) {
      out.putObject("metadata");
    }
    ObjectNode spec = out.path("spec").isObject() ? (ObjectNode) out.get("spec")
        : out.putObject("spec");
    Kind k = t.kind();
    if (k == SSAR) {
      out.set("status", access(t, spec, user));
    } else if (k == SAR || k == LSAR) {
      out.set("status", access(t, spec, subject(t, spec)));
    } else if (k == SSRR) {
      out.set("status", rules(spec, user));
    } else if (k == SSR) {
      out.putObject("status").set("userInfo", userInfo(user));
    } else if (k == TOKEN_REVIEW) {
      out.set("status", tokenReview(spec));
    } else {
      out.set("status", tokenRequest(t, spec));
    }
    return out;
  }

  private ObjectNode access(Target t, ObjectNode spec, UserInfo user) {
    JsonNode ra = spec.get("resourceAttributes");
    JsonNode na = spec.get("nonResourceAttributes");
    if ((ra == null || ra.isNull()) == (na == null || na.isNull())) {
      throw invalid(t.kind(), "spec.resourceAttributes", "exactly one of "
          + "nonResourceAttributes or resourceAttributes must be specified");
    }
    Attributes a;
    if (ra != null && !ra.isNull()) {
      String ns = ra.path("namespace").asText("");
      if (t.kind() == LSAR && !ns.equals(t.namespace())) {
        throw invalid(t.kind(), "spec.resourceAttributes.namespace",
            "must match metadata.namespace");
      }
      a = Attributes.resource(user, ra.path("verb").asText(""), ra.path("group").asText(""),
          ra.path("version").asText(""), ra.path("resource").asText(""),
          ra.path("subresource").asText(""), ns, ra.path("name").asText(""));
    } else {
      a = Attributes.nonResource(user, na.path("verb").asText(""), na.path("path").asText(""));
    }
    Authorizer.Decision d = authorizer.get().authorize(a);
    ObjectNode status = json.createObjectNode();
    status.put("allowed", d.kind() == Authorizer.Decision.Kind.ALLOW);
    if (d.kind() == Authorizer.Decision.Kind.DENY) {
      status.put("denied", true);
    }
    if (!d.reason().isEmpty()) {
      status.put("reason", d.reason());
    }
    return status;
  }

  /** The user a SubjectAccessReview asks about. */
  private UserInfo subject(Target t, ObjectNode spec) {
    String user = spec.path("user").asText("");
    List<String> groups = strings(spec.path("groups"));
    if (user.isEmpty() && groups.isEmpty()) {
      throw invalid(t.kind(), "spec.user", "at least one of user or group must be specified");
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    spec.path("extra").fields().forEachRemaining(e -> extra.put(e.getKey(),
        strings(e.getValue())));
    return new UserInfo(user, spec.path("uid").asText(""), groups, extra);
  }

  private ObjectNode rules(ObjectNode spec, UserInfo user) {
    RuleReviewer.Rules r = rules.get().rulesFor(user, spec.path("namespace").asText(""));
    ObjectNode status = json.createObjectNode();
    ArrayNode rr = status.putArray("resourceRules");
    for (RuleReviewer.ResourceRule x : r.resourceRules()) {
      ObjectNode o = rr.addObject();
      put(o, "verbs", x.verbs());
      put(o, "apiGroups", x.apiGroups());
      put(o, "resources", x.resources());
      if (!x.resourceNames().isEmpty()) {
        put(o, "resourceNames", x.resourceNames());
      }
    }
    ArrayNode nr = status.putArray("nonResourceRules");
    for (RuleReviewer.NonResourceRule x : r.nonResourceRules()) {
      ObjectNode o = nr.addObject();
      put(o, "verbs", x.verbs());
      put(o, "nonResourceURLs", x.nonResourceURLs());
    }
    status.put("incomplete", r.incomplete());
    if (!r.evaluationError().isEmpty()) {
      status.put("evaluationError", r.evaluationError());
    }
    return status;
  }

  private ObjectNode tokenReview(ObjectNode spec) {
    String token = spec.path("token").asText("");
    List<String> audiences = strings(spec.path("audiences"));
    ObjectNode status = json.createObjectNode();
    Security s = security.get();
    Optional<UserInfo> user = Optional.empty();
    List<String> accepted = audiences;
    try {
      if (!token.isEmpty() && s.serviceAccounts() != null) {
        List<String> want = audiences.isEmpty() ? s.serviceAccounts().apiAudiences()
            : audiences;
        user = s.serviceAccounts().review(token, want);
        accepted = want;
      }
      Credentials c = new Credentials(List.of(), "Bearer " + token);
      for (int i = 0; user.isEmpty() && !token.isEmpty()
          && i < s.tokenAuthenticators().size(); i++) {
        user = s.tokenAuthenticators().get(i).authenticate(c);
      }
    } catch (AuthenticationException e) {
      status.put("authenticated", false);
      status.put("error", e.getMessage());
      return status;
    }
    status.put("authenticated", user.isPresent());
    if (user.isPresent()) {
      status.set("user", userInfo(user.get()));
      put(status, "audiences", accepted);
    } else if (!token.isEmpty()) {
      status.put("error", "invalid bearer token");
    }
    return status;
  }

  private ObjectNode tokenRequest(Target t, ObjectNode spec) {
    ServiceAccountTokens signer = security.get().serviceAccounts();
    if (signer == null) {
      throw new ApiException(404, "NotFound", "the server could not find the requested "
          + "resource (service-account tokens are not configured: no signing key)", null, null,
          null, List.of(), 0);
    }
    long seconds = spec.path("expirationSeconds").asLong(DEFAULT_EXPIRATION_SECONDS);
    if (seconds < MIN_EXPIRATION_SECONDS) {
      throw invalid(t.kind(), "spec.expirationSeconds", "Invalid value: " + seconds
          + ": may not specify a duration less than 10 minutes");
    }
    if (seconds > 1L << 32) {
      throw invalid(t.kind(), "spec.expirationSeconds", "Invalid value: " + seconds
          + ": may not specify a duration larger than 2^32 seconds");
    }
    ObjectNode sa = registry.get(serviceAccounts, t.namespace(), t.name(), null);
    String uid = sa.path("metadata").path("uid").asText("");
    ServiceAccountTokens.Issued issued = signer.issue(t.namespace(), t.name(), uid,
        strings(spec.path("audiences")), Duration.ofSeconds(seconds));
    if (!spec.path("audiences").isArray() || spec.path("audiences").isEmpty()) {
      put(spec, "audiences", signer.apiAudiences());
    }
    spec.put("expirationSeconds", seconds);
    ObjectNode status = json.createObjectNode();
    status.put("token", issued.token());
    status.put("expirationTimestamp", DateTimeFormatter.ISO_INSTANT.format(issued.expires()));
    return status;
  }

  private ObjectNode userInfo(UserInfo u) {
    ObjectNode o = json.createObjectNode();
    o.put("username", u.name());
    if (!u.uid().isEmpty()) {
      o.put("uid", u.uid());
    }
    put(o, "groups", u.groups());
    if (!u.extra().isEmpty()) {
      ObjectNode e = o.putObject("extra");
      u.extra().forEach((k, v) -> put(e, k, v));
    }
    return o;
  }

  private static ApiException invalid(Kind k, String field, String message) {
    String group = k == TOKEN_REQUEST ? AUTHN : k.group();
    return new ApiException(422, "Invalid", k.kind() + "." + group + " \"\" is invalid: "
        + field + ": " + message, group, k.kind(), "",
        List.of(new ApiException.Cause("FieldValueInvalid", message, field)), 0);
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    }
    return out;
  }

  private static void put(ObjectNode o, String field, List<String> values) {
    ArrayNode a = o.putArray(field);
    values.forEach(a::add);
  }
}
