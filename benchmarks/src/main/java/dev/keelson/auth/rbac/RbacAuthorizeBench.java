package dev.keelson.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The RBAC authorizer on the request path, over a cache holding the bootstrap policy plus 1,000
 * Roles and 1,000 RoleBindings in 100 namespaces (10 of each per namespace; each Role has four
 * rules, each binding names a user, a group and a service account). The user of the requests is
 * bound by one RoleBinding of its namespace and is in three groups, so each request also walks
 * the bootstrap ClusterRoleBindings of {@code system:authenticated}:
 *
 * <ul>
 *   <li>{@code allowedNamespaced}: {@code update configmaps/app-config} in its namespace, allowed
 *       by the last rule of its Role;
 *   <li>{@code noOpinion}: {@code delete secrets} in the same namespace, which nothing allows;
 *   <li>{@code systemMasters}: a {@code system:masters} member, allowed at once;
 *   <li>{@code rebuildSnapshot}: building a new snapshot of all 2,000+ objects, as the cache does
 *       after a watch event;
 *   <li>{@code tokenThenAuthorize}, {@code certificateThenAuthorize},
 *       {@code serviceAccountTokenThenAuthorize}: the whole per-request cost of issue 7's target,
 *       the authentication chain (client certificates, a static token file of 1,000 tokens,
 *       service-account tokens) with the credentials one request presents, then the allowed
 *       request above. The service-account case is a token already seen within the token
 *       cache's TTL, as a client that keeps calling presents it.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RbacAuthorizeBench {
  private static final int NAMESPACES = 100;
  private static final int PER_NAMESPACE = 10;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RbacCache cache;
  private Authorizer rbac;
  private List<RbacObject> objects;
  private Attributes allowed;
  private Attributes denied;
  private Attributes masters;
  private dev.keelson.auth.authn.AuthenticationChain chain;
  private dev.keelson.auth.authn.Credentials token;
  private dev.keelson.auth.authn.Credentials certificate;
  private dev.keelson.auth.authn.Credentials serviceAccount;

  @Setup(Level.Trial)
  public void setUp() {
    List<JsonNode> json = new ArrayList<>(BootstrapPolicy.json());
    for (int n = 0; n < NAMESPACES; n++) {
      String ns = String.format("ns-%03d", n);
      for (int i = 0; i < PER_NAMESPACE; i++) {
        json.add(role(ns, "role-" + i));
        json.add(binding(ns, "binding-" + i, "role-" + i, "user-" + n + "-" + i,
            "team-" + n + "-" + i));
      }
    }
    cache = new RbacCache();
    cache.replaceAll(json);
    rbac = RbacAuthorizer.of(cache);
    objects = new ArrayList<>(cache.current().objects());

    UserInfo user = new UserInfo("user-42-7", "", List.of("team-42-7", "developers",
        "system:authenticated"), Map.of());
    allowed = Attributes.resource(user, "update", "", "v1", "configmaps", "", "ns-042",
        "app-config");
    denied = Attributes.resource(user, "delete", "", "v1", "secrets", "", "ns-042", "db");
    UserInfo root = new UserInfo("root", "", List.of("system:masters", "system:authenticated"),
        Map.of());
    masters = Attributes.resource(root, "delete", "", "v1", "secrets", "", "ns-042", "db");
    check(allowed, Authorizer.Decision.Kind.ALLOW);
    check(denied, Authorizer.Decision.Kind.NO_OPINION);
    check(masters, Authorizer.Decision.Kind.ALLOW);
    setUpAuthentication();
  }

  private void setUpAuthentication() {
    StringBuilder csv = new StringBuilder();
    for (int n = 0; n < NAMESPACES; n++) {
      for (int i = 0; i < PER_NAMESPACE; i++) {
        csv.append("token-").append(n).append('-').append(i).append("-0123456789abcdef,user-")
            .append(n).append('-').append(i).append(",uid-").append(n).append(i)
            .append(",\"team-").append(n).append('-').append(i).append(",developers\"\n");
      }
    }
    java.security.KeyPair saKey;
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      saKey = g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    dev.keelson.auth.authn.ServiceAccountTokens sa = new dev.keelson.auth.authn
        .ServiceAccountTokens(saKey, dev.keelson.auth.authn.ServiceAccountTokens.DEFAULT_ISSUER,
            List.of(), java.time.Clock.systemUTC(), (ns, name) -> java.util.Optional.of("uid-1"));
    chain = new dev.keelson.auth.authn.AuthenticationChain(List.of(
        new dev.keelson.auth.authn.X509Authenticator(),
        dev.keelson.auth.authn.TokenFileAuthenticator.parse(csv.toString(), "bench"), sa), false);
    token = new dev.keelson.auth.authn.Credentials(List.of(),
        "Bearer token-42-7-0123456789abcdef");
    dev.keelson.auth.pki.CertificateAuthority ca = dev.keelson.auth.pki.CertificateAuthority
        .create("bench-ca", java.time.Duration.ofDays(1));
    certificate = new dev.keelson.auth.authn.Credentials(List.of(ca.issueClient("user-42-7",
        List.of("team-42-7", "developers"), java.time.Duration.ofDays(1)).certificate()), null);
    serviceAccount = new dev.keelson.auth.authn.Credentials(List.of(), "Bearer " + sa.issue(
        "ns-042", "ci-binding-7", "uid-1", List.of(), java.time.Duration.ofHours(1)).token());
    if (tokenThenAuthorize().kind() != Authorizer.Decision.Kind.ALLOW
        || certificateThenAuthorize().kind() != Authorizer.Decision.Kind.ALLOW
        || serviceAccountTokenThenAuthorize().kind() != Authorizer.Decision.Kind.ALLOW) {
      throw new IllegalStateException("set-up is wrong: an authenticated request was refused");
    }
  }

  private Authorizer.Decision authenticateThenAuthorize(dev.keelson.auth.authn.Credentials c) {
    try {
      UserInfo u = chain.authenticate(c, "/api/v1/namespaces/ns-042/configmaps/app-config");
      return rbac.authorize(Attributes.resource(u, "update", "", "v1", "configmaps", "",
          "ns-042", "app-config"));
    } catch (dev.keelson.auth.authn.AuthenticationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public Authorizer.Decision tokenThenAuthorize() {
    return authenticateThenAuthorize(token);
  }

  @Benchmark
  public Authorizer.Decision certificateThenAuthorize() {
    return authenticateThenAuthorize(certificate);
  }

  @Benchmark
  public Authorizer.Decision serviceAccountTokenThenAuthorize() {
    return authenticateThenAuthorize(serviceAccount);
  }

  private void check(Attributes a, Authorizer.Decision.Kind expected) {
    Authorizer.Decision d = rbac.authorize(a);
    if (d.kind() != expected) {
      throw new IllegalStateException("set-up is wrong: " + a + " gave " + d);
    }
  }

  private static ObjectNode role(String ns, String name) {
    ObjectNode r = object("Role", ns, name);
    r.putArray("rules")
        .add(rule(List.of("get", "list", "watch"), "", List.of("pods", "pods/log"), List.of()))
        .add(rule(List.of("get", "list"), "apps", List.of("deployments", "replicasets"),
            List.of()))
        .add(rule(List.of("create", "delete"), "batch", List.of("jobs"), List.of()))
        .add(rule(List.of("get", "update"), "", List.of("configmaps"),
            List.of("app-config", "feature-flags")));
    return r;
  }

  private static ObjectNode binding(String ns, String name, String role, String user,
      String group) {
    ObjectNode b = object("RoleBinding", ns, name);
    ObjectNode ref = b.putObject("roleRef");
    ref.put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Role").put("name", role);
    b.putArray("subjects")
        .add(NODES.objectNode().put("kind", "User").put("apiGroup", "rbac.authorization.k8s.io")
            .put("name", user))
        .add(NODES.objectNode().put("kind", "Group")
            .put("apiGroup", "rbac.authorization.k8s.io").put("name", group))
        .add(NODES.objectNode().put("kind", "ServiceAccount").put("name", "ci-" + name));
    return b;
  }

  private static ObjectNode object(String kind, String ns, String name) {
    ObjectNode o = NODES.objectNode();
    o.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
    o.putObject("metadata").put("name", name).put("namespace", ns);
    return o;
  }

  private static ObjectNode rule(List<String> verbs, String group, List<String> resources,
      List<String> names) {
    ObjectNode r = NODES.objectNode();
    verbs.forEach(r.putArray("verbs")::add);
    r.putArray("apiGroups").add(group);
    resources.forEach(r.putArray("resources")::add);
    if (!names.isEmpty()) {
      names.forEach(r.putArray("resourceNames")::add);
    }
    return r;
  }

  @Benchmark
  public Authorizer.Decision allowedNamespaced() {
    return rbac.authorize(allowed);
  }

  @Benchmark
  public Authorizer.Decision noOpinion() {
    return rbac.authorize(denied);
  }

  @Benchmark
  public Authorizer.Decision systemMasters() {
    return rbac.authorize(masters);
  }

  @Benchmark
  public RbacPolicy rebuildSnapshot() {
    return RbacPolicy.of(objects);
  }
}
