package dev.keelson.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.admission.AdmissionChain;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.auth.authn.AuthenticationChain;
import dev.keelson.auth.authn.Authenticator;
import dev.keelson.auth.authn.ServiceAccountTokens;
import dev.keelson.auth.authn.TokenFileAuthenticator;
import dev.keelson.auth.authn.X509Authenticator;
import dev.keelson.api.rbac.RbacController;
import dev.keelson.api.rbac.RbacHooks;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Authorizer;
import dev.keelson.auth.authz.RuleReviewer;
import dev.keelson.auth.rbac.EscalationGuard;
import dev.keelson.auth.rbac.PolicyRule;
import dev.keelson.auth.rbac.RbacAuthorizer;
import dev.keelson.auth.rbac.UserRules;
import java.util.concurrent.atomic.AtomicReference;
import dev.keelson.api.controller.MasterEndpoints;
import dev.keelson.admission.ObjectReader;
import dev.keelson.admission.StandardChain;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.admission.policy.ParamKindResolver;
import dev.keelson.admission.policy.ValidatingPolicies;
import dev.keelson.admission.webhook.Webhooks;
import dev.keelson.api.controller.NamespaceController;
import dev.keelson.api.controller.AdmissionConfigController;
import dev.keelson.api.controller.ResourceQuotaController;
import dev.keelson.api.controller.ServiceAccountController;
import dev.keelson.api.registry.RegistryReader;
import dev.keelson.api.crd.CrdController;
import dev.keelson.api.crd.CrdHooks;
import dev.keelson.api.crd.CustomResourceHooks;
import dev.keelson.api.http.ApiHandler;
import dev.keelson.api.http.ApiServer;
import dev.keelson.api.http.Health;
import dev.keelson.api.http.Metrics;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.Selectors;
import dev.keelson.api.storage.RaftStorage;
import dev.keelson.auth.pki.IssuedCert;
import dev.keelson.auth.pki.KeyStores;
import dev.keelson.store.raft.RaftNode;
import dev.keelson.watch.WatchHub;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API of one master, assembled: storage on the Raft node, the watch cache on the
 * watch hub, the generic registry, the namespace controller, and Jetty over HTTPS.
 */
public final class KubeApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeApi.class);
  /** Changes the watch cache keeps for watches that resume at a past resourceVersion. */
  static final int HISTORY_EVENTS = 100_000;

  /** Where and how to serve. */
  public record Config(InetSocketAddress address, IssuedCert serving, X509Certificate clientCa,
      int maxThreads, Security security) {
    /** With {@link Security#secure secure} defaults and no service-account tokens. */
    public Config(InetSocketAddress address, IssuedCert serving, X509Certificate clientCa,
        int maxThreads) {
      this(address, serving, clientCa, maxThreads, Security.secure(null));
    }
  }

  /**
   * Who may call the API.
   *
   * @param anonymous whether requests without credentials run as {@code system:anonymous}
   *     (otherwise they get 401, except on health and version paths)
   * @param tokenAuthFile a static token CSV ({@code --token-auth-file}), or null
   * @param serviceAccountKey the pair all masters sign and verify service-account tokens
   *     with, or null for no service-account tokens
   * @param rbac RBAC authorization; false allows every authenticated request
   */
  public record Security(boolean anonymous, Path tokenAuthFile, KeyPair serviceAccountKey,
      boolean rbac) {
    /** The defaults: no anonymous access, RBAC. */
    public static Security secure(KeyPair serviceAccountKey) {
      return new Security(false, null, serviceAccountKey, true);
    }
  }

  private final WatchCache cache;
  private final ApiServer server;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService watchExecutor;
  private final CrdController crds;
  private final RbacController rbac;
  /** The controllers closed with the API, before the cache. */
  private final List<AutoCloseable> controllers;

  private final ApiHandler handler;
  private final Registry registry;

  private KubeApi(WatchCache cache, ApiServer server, ScheduledExecutorService scheduler,
      ExecutorService watchExecutor, CrdController crds, RbacController rbac,
      List<AutoCloseable> controllers, ApiHandler handler, Registry registry) {
    this.rbac = rbac;
    this.controllers = controllers;
    this.handler = handler;
    this.registry = registry;
    this.cache = cache;
    this.server = server;
    this.scheduler = scheduler;
    this.watchExecutor = watchExecutor;
    this.crds = crds;
  }

  public static KubeApi start(RaftNode node, WatchHub hub, Config config) throws Exception {
    String id = node.config().id();
    ObjectMapper json = new ObjectMapper();
    Clock clock = Clock.systemUTC();
    RaftStorage storage = new RaftStorage(node);
    WatchCache cache = new WatchCache(id, hub, storage, json, HISTORY_EVENTS,
        Selectors::selectableView).start();
    ResourceTypes types = new ResourceTypes();
    Registry registry = new Registry(storage, cache, json, clock);
    registry.addHooks(new CrdHooks());
    registry.addHooks(new CustomResourceHooks(types, cache));
    AtomicReference<EscalationGuard> escalation = new AtomicReference<>();
    registry.addHooks(new RbacHooks(escalation::get));
    RbacController rbac = new RbacController(id, registry, types, node::isLeaderReady);
    RegistryReader reader = new RegistryReader(registry, types);
    AdmissionCel cel = new AdmissionCel();
    ValidatingPolicies policies = new ValidatingPolicies(reader,
        (apiVersion, kind) -> paramKind(types, apiVersion, kind), cel);
    Webhooks webhooks = new Webhooks(id, reader, cel);
    registry.setAdmission(StandardChain.of(reader, policies, webhooks));
    AtomicInteger n = new AtomicInteger();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "api-timer-" + id);
      t.setDaemon(true);
      return t;
    });
    ExecutorService watchExecutor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "api-watch-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Health health = new Health()
        .check("ping", false, () -> true)
        .check("etcd", false, () -> node.leaderId().isPresent())
        .check("watch-cache", true, () -> cache.revision() > 0)
        .check("informer-sync", true, () -> cache.revision() > 0)
        .check("poststarthook/bootstrap-namespaces", true, () -> NamespaceController.BOOTSTRAP
            .stream().allMatch(ns -> cache.get("/registry/core/namespaces/" + ns) != null))
        .check("poststarthook/rbac/bootstrap-roles", true, rbac::ready);
    Metrics metrics = new Metrics()
        .gauge("keelson_watch_cache_revision", "Revision the watch cache has reached.",
            cache::revision)
        .gauge("keelson_watch_cache_watchers", "REST watches open on this master.",
            cache::watcherCount);
    ApiHandler handler = new ApiHandler(id, types, registry, json, clock, health, metrics,
        scheduler, watchExecutor);
    authentication(handler, config.security(), reader, clock);
    if (config.security().rbac()) {
      RbacAuthorizer authorizer = RbacAuthorizer.of(rbac.rbac());
      handler.setAuthorizer(authorizer, (user, ns) -> rules(authorizer, user, ns));
      escalation.set(authorizer.escalationGuard());
    }
    ApiServer server;
    try {
      server = ApiServer.start(config.address(),
          KeyStores.keyStore(config.serving(), config.clientCa()), KeyStores.PASSWORD,
          KeyStores.trustStore(config.clientCa()), handler, json, config.maxThreads());
    } catch (Exception e) {
      cache.close();
      scheduler.shutdownNow();
      watchExecutor.shutdownNow();
      throw e;
    }
    MasterEndpoints masters = new MasterEndpoints(id, config.address().getHostString(),
        server.port(), registry, types, json, clock);
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        masters.renew();
        if (node.isLeaderReady()) {
          masters.reconcile();
        }
      } catch (RuntimeException e) {
        LOG.debug("[{}] master lease pass failed", id, e);
      }
    }, 1000, 5000, TimeUnit.MILLISECONDS);
    NamespaceController namespaces = new NamespaceController(id, registry, types);
    scheduler.scheduleWithFixedDelay(() -> {
      if (!node.isLeaderReady()) {
        return;
      }
      try {
        namespaces.runOnce();
      } catch (RuntimeException e) {
        LOG.debug("[{}] namespace controller pass failed", id, e);
      }
    }, 500, 1000, TimeUnit.MILLISECONDS);
    rbac.start();
    ServiceAccountController accounts = new ServiceAccountController(id, registry, types,
        node::isLeaderReady).start();
    ResourceQuotaController quotas = new ResourceQuotaController(id, registry, types,
        node::isLeaderReady).start();
    AdmissionConfigController admissionConfig = new AdmissionConfigController(id, cache, types,
        c -> {
          policies.update(c.policies(), c.bindings());
          webhooks.update(c.mutatingWebhooks(), c.validatingWebhooks());
        }).start();
    // every master serves the custom types its own cache defines; the leader writes status
    CrdController crds = new CrdController(id, registry, types, clock, node::isLeaderReady)
        .start();
    LOG.info("[{}] Kubernetes API listening on https://{}:{}", id,
        config.address().getHostString(), server.port());
    return new KubeApi(cache, server, scheduler, watchExecutor, crds, rbac,
        List.of(accounts, quotas, admissionConfig), handler, registry);
  }

  /** Where a policy's paramKind lives: the served type of that apiVersion and kind. */
  private static Optional<ParamKindResolver.ParamResource> paramKind(ResourceTypes types,
      String apiVersion, String kind) {
    return types.findKind(apiVersion, kind).map(t -> new ParamKindResolver.ParamResource(
        t.group(), t.resource(), t.namespaced()));
  }

  /** A user's RBAC rules as a SelfSubjectRulesReview lists them. */
  private static RuleReviewer.Rules rules(RbacAuthorizer a, UserInfo user, String ns) {
    UserRules r = a.rulesFor(user, ns);
    List<RuleReviewer.ResourceRule> res = new ArrayList<>();
    for (PolicyRule p : r.resourceRules()) {
      res.add(new RuleReviewer.ResourceRule(p.verbs(), p.apiGroups(), p.resources(),
          p.resourceNames()));
    }
    List<RuleReviewer.NonResourceRule> non = new ArrayList<>();
    for (PolicyRule p : r.nonResourceRules()) {
      non.add(new RuleReviewer.NonResourceRule(p.verbs(), p.nonResourceURLs()));
    }
    return new RuleReviewer.Rules(res, non, false, "");
  }

  /** Client certificates, then static tokens, then service-account tokens. */
  private static void authentication(ApiHandler handler, Security sec, ObjectReader reader,
      Clock clock) throws java.io.IOException {
    List<Authenticator> tokens = new ArrayList<>();
    if (sec.tokenAuthFile() != null) {
      tokens.add(TokenFileAuthenticator.read(sec.tokenAuthFile()));
    }
    ServiceAccountTokens sa = null;
    if (sec.serviceAccountKey() != null) {
      // the account's uid: this master's cache, else a quorum read (an account created an
      // instant ago on another master)
      sa = new ServiceAccountTokens(sec.serviceAccountKey(),
          ServiceAccountTokens.DEFAULT_ISSUER, List.of(), clock,
          (ns, name) -> reader.get("", "serviceaccounts", ns, name)
              .map(o -> o.path("metadata").path("uid").asText("")));
    }
    List<Authenticator> chain = new ArrayList<>();
    chain.add(new X509Authenticator());
    chain.addAll(tokens);
    if (sa != null) {
      chain.add(sa);
    }
    handler.setAuthentication(new AuthenticationChain(chain, sec.anonymous()), tokens, sa);
  }

  /**
   * Replaces who may do what (tests); RBAC's escalation checks on role and binding writes stay
   * as they were.
   */
  public void setAuthorizer(Authorizer a) {
    handler.setAuthorizer(a, dev.keelson.auth.authz.RuleReviewer.NONE);
  }

  /** The admission plugins every write goes through (none by default). */
  public void setAdmission(AdmissionChain chain) {
    registry.setAdmission(chain);
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() throws Exception {
    server.stopAccepting(); // first, so the clients of the watches ended below go elsewhere
    scheduler.shutdownNow();
    crds.close();
    rbac.close();
    for (AutoCloseable c : controllers) {
      c.close();
    }
    cache.close();
    try {
      server.close();
    } finally {
      watchExecutor.shutdownNow();
    }
  }
}
