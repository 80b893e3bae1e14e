package dev.keelson.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keelson.auth.authn.AuthenticationException;
import dev.keelson.auth.authn.AuthenticationChain;
import dev.keelson.auth.authn.Authenticator;
import dev.keelson.auth.authn.ServiceAccountTokens;
import dev.keelson.auth.authn.Impersonation;
import dev.keelson.auth.authn.Credentials;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authn.X509Authenticator;
import dev.keelson.auth.authz.Attributes;
import dev.keelson.auth.authz.Authorizer;
import dev.keelson.auth.authz.RuleReviewer;
import java.security.cert.X509Certificate;
import org.eclipse.jetty.io.EndPoint;
import dev.keelson.api.cache.CacheEvent;
import dev.keelson.api.cache.CacheWatcher;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.codec.KnownFields;
import dev.keelson.api.codec.KubeProtobuf;
import dev.keelson.api.codec.ProtoSchemas;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.ListOptions;
import dev.keelson.api.registry.Patches;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.ResourceTypes;
import dev.keelson.api.registry.Selectors;
import dev.keelson.api.registry.WriteOptions;
import dev.keelson.api.registry.apply.ApplyPatch;
import dev.keelson.api.registry.apply.ManagerNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes REST API of one master: discovery, OpenAPI, health, and every verb on every
 * served type through the generic {@link Registry}. Every error leaves as a {@code Status}
 * object ({@link StatusWriter}); nothing a client sends makes it answer 500.
 *
 * <p>Request path: authentication (client certificates; anonymous otherwise), authorization
 * (an {@link Authorizer}; allows everything until RBAC), then for writes the registry's
 * mutating admission, validation, validating admission ({@code AdmissionChain}, empty so far).
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  /** Largest request body accepted, as kube-apiserver's 3 MiB. */
  static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
  /** How much of a too large body is read and dropped so that the 413 reaches the client. */
  private static final long DRAINED_BODY_BYTES = 4L * MAX_BODY_BYTES;
  private static final int WATCH_QUEUE = 1_000;
  private static final String TABLE = "as=Table";

  private final String nodeId;
  private final ResourceTypes types;
  private final Registry registry;
  private final WatchCache cache;
  private final ObjectMapper json;
  private final YAMLMapper yaml;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final Tables tables;
  private final Clock clock;
  private final Health health;
  private final Metrics metrics;
  private final ScheduledExecutorService scheduler;
  private final java.util.concurrent.Executor watchExecutor;
  private final KubeProtobuf protobuf = KubeProtobuf.load();
  /** Who is asking: client certificates only, anonymous on, until KubeApi sets the chain. */
  private volatile AuthenticationChain authentication = new AuthenticationChain(
      List.of(new X509Authenticator()), true);
  private volatile Authorizer authorizer = Authorizer.ALWAYS_ALLOW;
  private volatile RuleReviewer ruleReviewer = RuleReviewer.NONE;
  private volatile Reviews.Security reviewSecurity = Reviews.Security.NONE;
  private final Reviews reviews;
  private final KnownFields knownFields = new KnownFields(protobuf);

  public ApiHandler(String nodeId, ResourceTypes types, Registry registry, ObjectMapper json,
      Clock clock, Health health, Metrics metrics, ScheduledExecutorService scheduler,
      java.util.concurrent.Executor watchExecutor) {
    this.nodeId = nodeId;
    this.types = types;
    this.registry = registry;
    this.cache = registry.cache();
    this.json = json;
    this.yaml = new YAMLMapper();
    this.discovery = new Discovery(types, json);
    this.openApi = new OpenApi(types, json, new ProtoSchemas(protobuf));
    this.tables = new Tables(json, clock);
    this.clock = clock;
    this.health = health;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.watchExecutor = watchExecutor;
    this.reviews = new Reviews(json, () -> authorizer, () -> ruleReviewer, () -> reviewSecurity,
        registry, types.find("", "v1", "serviceaccounts").orElseThrow());
  }

  /**
   * Replaces the authentication chain; {@code tokenAuthenticators} are what TokenReviews
   * consult besides {@code serviceAccounts}, which also signs TokenRequests (null: none).
   */
  public void setAuthentication(AuthenticationChain a, List<Authenticator> tokenAuthenticators,
      ServiceAccountTokens serviceAccounts) {
    this.authentication = a;
    this.reviewSecurity = new Reviews.Security(List.copyOf(tokenAuthenticators),
        serviceAccounts);
  }

  /** Replaces the authorizer, and what lists a user's rules for SelfSubjectRulesReviews. */
  public void setAuthorizer(Authorizer a, RuleReviewer rules) {
    this.authorizer = a;
    this.ruleReviewer = rules;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    String[] verbAndResource = {method.toLowerCase(), ""};
    try {
      // authentication first: who is asking (anonymous if nobody says)
      request.setAttribute(USER, authenticate(request, path));
      Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
      if (!route(request, response, callback, path, method, query, verbAndResource)) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
    } catch (ApiException e) {
      discardBody(request);
      StatusWriter.write(response, callback, json, e);
    } catch (RuntimeException e) {
      LOG.warn("[{}] {} {} failed", nodeId, method, path, e);
      discardBody(request);
      StatusWriter.write(response, callback, json, new ApiException(500, "InternalError",
          "Internal error occurred: " + e, null, null, null, List.of(), 0));
    }
    metrics.observe(verbAndResource[0], verbAndResource[1], response.getStatus(),
        System.nanoTime() - start);
    return true;
  }

  private boolean route(Request req, Response res, Callback cb, String path, String method,
      Fields q, String[] verbAndResource) {
    String[] segs = split(path);
    if (segs.length == 0) {
      return false;
    }
    // health paths are always allowed, as kube-apiserver's --authorization-always-allow-paths:
    // probes must not depend on the RBAC cache being loaded (authentication still applies)
    boolean healthPath = segs[0].equals("livez") || segs[0].equals("readyz")
        || segs[0].equals("healthz");
    if (!isResourcePath(segs) && !healthPath) {
      authorize(Attributes.nonResource(userOf(req), method.toLowerCase(), path));
    }
    switch (segs[0]) {
      case "version" -> {
        ObjectNode v = json.createObjectNode();
        v.put("major", Versions.MAJOR);
        v.put("minor", Versions.MINOR);
        v.put("gitVersion", Versions.GIT_VERSION);
        v.put("gitCommit", "keelson");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-11-29T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", "linux/amd64");
        send(res, cb, 200, v, "application/json");
        return true;
      }
      case "livez", "readyz", "healthz" -> {
        health.serve(segs, q, res, cb);
        return true;
      }
      case "metrics" -> {
        metrics.serve(res, cb);
        return true;
      }
      case "openapi" -> {
        return openApi(segs, req, res, cb);
      }
      case "api", "apis" -> {
        return api(req, res, cb, segs, method, q, verbAndResource);
      }
      default -> {
        return false;
      }
    }
  }

  private boolean openApi(String[] segs, Request req, Response res, Callback cb) {
    if (segs.length == 2 && segs[1].equals("v2")) {
      openApi.serveV2(req, res, cb);
      return true;
    }
    if (segs.length >= 2 && segs[1].equals("v3")) {
      if (segs.length == 2) {
        send(res, cb, 200, openApi.index(), "application/json");
        return true;
      }
      boolean core = segs[2].equals("api");
      String group = core ? "" : segs.length >= 5 ? segs[3] : null;
      String version = core ? (segs.length == 4 ? segs[3] : null)
          : segs.length == 5 ? segs[4] : null;
      ObjectNode doc = group == null || version == null ? null : openApi.document(group, version);
      if (doc == null) {
        return false;
      }
      send(res, cb, 200, doc, "application/json");
      return true;
    }
    return false;
  }

  private boolean api(Request req, Response res, Callback cb, String[] segs, String method,
      Fields q, String[] verbAndResource) {
    boolean core = segs[0].equals("api");
    String accept = req.getHeaders().get(HttpHeader.ACCEPT);
    boolean aggregated = accept != null && accept.contains("as=APIGroupDiscoveryList")
        && accept.contains("v=v2");
    if (segs.length == 1) {
      if (aggregated) {
        send(res, cb, 200, discovery.aggregated(core), Discovery.AGGREGATED_TYPE);
      } else {
        send(res, cb, 200, core ? discovery.apiVersions(req.getHttpURI().getAuthority())
            : discovery.groupList(), "application/json");
      }
      return true;
    }
    String group = core ? "" : segs[1];
    if (!core && segs.length == 2) {
      ObjectNode g = discovery.group(group);
      if (g == null) {
        return false;
      }
      send(res, cb, 200, g, "application/json");
      return true;
    }
    String version = core ? segs[1] : segs[2];
    int rest = core ? 2 : 3;
    if (segs.length == rest) {
      ObjectNode list = discovery.resourceList(group, version);
      if (list == null) {
        return false;
      }
      send(res, cb, 200, list, "application/json");
      return true;
    }
    String[] tail = java.util.Arrays.copyOfRange(segs, rest, segs.length);
    Reviews.Target review = Reviews.match(group, version, tail);
    if (review != null) {
      verbAndResource[0] = "create";
      verbAndResource[1] = review.kind().resource();
      if (!method.equals("POST")) {
        throw ApiException.methodNotAllowed("the server does not allow this method on the "
            + "requested resource");
      }
      authorize(Reviews.access(review, userOf(req)));
      send(res, cb, 201, reviews.answer(review, userOf(req),
          readObject(req, WriteOptions.DEFAULT)), accept);
      return true;
    }
    Target t = Target.parse(types, group, version, tail);
    if (t == null) {
      return false;
    }
    verbAndResource[1] = t.type().resource();
    resource(req, res, cb, t, method, q, accept, verbAndResource);
    return true;
  }

  private void resource(Request req, Response res, Callback cb, Target t, String method,
      Fields q, String accept, String[] verb) {
    ResourceType type = t.type();
    boolean table = accept != null && accept.contains(TABLE);
    String ns = t.namespace();
    if (type.namespaced() && t.name() != null && ns == null) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    authorize(Attributes.resource(userOf(req), verbOf(method, t, q), type.group(),
        type.version(), type.resource(), t.subresource(), ns, t.name()));
    WriteOptions w = (contentType(req).equals("application/apply-patch+yaml") ? writeOptions(q)
        : ManagerNames.defaulted(writeOptions(q), req.getHeaders().get(HttpHeader.USER_AGENT)))
        .withUser(userOf(req))
        .withWarnings(m -> res.getHeaders().add("Warning", warningHeader(m)));
    Registry.Part part = "status".equals(t.subresource()) ? Registry.Part.STATUS
        : Registry.Part.MAIN;
    if ("scale".equals(t.subresource())) {
      verb[0] = method.toLowerCase();
      scale(req, res, cb, t, method, q, w);
      return;
    }
    switch (method) {
      case "GET" -> {
        boolean watch = t.watchPath() || isTrue(q.getValue("watch"));
        if (watch) {
          verb[0] = "watch";
          watch(req, res, cb, t, q, table, accept);
        } else if (t.name() == null) {
          verb[0] = "list";
          if (!table && (accept == null || !accept.startsWith("application/yaml"))) {
            // the common case, and the big one: bytes assembled from the cache's encodings
            res.setStatus(200);
            res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            PartsWriter.send(res, registry.listJson(type, ns, listOptions(q)), cb);
            return;
          }
          ObjectNode list = registry.list(type, ns, listOptions(q));
          if (table) {
            List<JsonNode> items = new ArrayList<>();
            list.path("items").forEach(items::add);
            JsonNode meta = list.path("metadata");
            send(res, cb, 200, tables.table(type, items, meta.path("resourceVersion").asText(),
                meta.path("continue").asText(null), q.getValue("includeObject")), accept);
          } else {
            send(res, cb, 200, list, accept);
          }
        } else {
          verb[0] = "get";
          ObjectNode o = registry.get(type, ns, t.name(), q.getValue("resourceVersion"));
          if (table) {
            send(res, cb, 200, tables.table(type, List.of(o), null, null,
                q.getValue("includeObject")), accept);
          } else {
            send(res, cb, 200, o, accept);
          }
        }
      }
      case "POST" -> {
        if (t.name() != null) {
          throw ApiException.methodNotAllowed("the server does not allow this method on the "
              + "requested resource");
        }
        verb[0] = "create";
        ObjectNode body = readObject(req, w);
        checkFields(type, body, w, res);
        if (type.namespaced() && ns == null) {
          ns = body.path("metadata").path("namespace").asText("");
          if (ns.isEmpty()) {
            throw ApiException.notFound("the server could not find the requested resource");
          }
        }
        send(res, cb, 201, registry.create(type, ns, body, w), accept);
      }
      case "PUT" -> {
        requireName(t);
        verb[0] = "update";
        ObjectNode body = readObject(req, w);
        checkFields(type, body, w, res);
        send(res, cb, 200, registry.update(type, ns, t.name(), body, part, w), accept);
      }
      case "PATCH" -> {
        requireName(t);
        verb[0] = "patch";
        UnaryOperator<ObjectNode> patcher = patcher(req, type, w);
        if (patcher instanceof ApplyPatch apply) {
          checkFields(type, apply.config(), w, res);
          ApplyPatch.Outcome applied = apply.run(registry, ns, t.name(), part, w);
          send(res, cb, applied.created() ? 201 : 200, applied.object(), accept);
          return;
        }
        UnaryOperator<ObjectNode> patch = o -> {
          ObjectNode patched = patcher.apply(o);
          checkFields(type, patched, w, res);
          return patched;
        };
        send(res, cb, 200, registry.patch(type, ns, t.name(), patch, part, w), accept);
      }
      case "DELETE" -> {
        Registry.DeleteOptions d = deleteOptions(req, q);
        if (t.name() == null) {
          verb[0] = "deletecollection";
          send(res, cb, 200, registry.deleteCollection(type, ns, listOptions(q), d, w), accept);
        } else {
          verb[0] = "delete";
          send(res, cb, 200, registry.delete(type, ns, t.name(), d, w), accept);
        }
      }
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on "
          + "the requested resource");
    }
  }

  /** The scale subresource of a workload: autoscaling/v1 Scale on the replica fields. */
  private void scale(Request req, Response res, Callback cb, Target t, String method, Fields q,
      WriteOptions w) {
    ResourceType type = t.type();
    requireName(t);
    switch (method) {
      case "GET" -> send(res, cb, 200, Scales.toScale(json, type,
          registry.get(type, t.namespace(), t.name(), q.getValue("resourceVersion"))),
          "application/json");
      case "PUT", "PATCH" -> {
        UnaryOperator<ObjectNode> change;
        if (method.equals("PUT")) {
          ObjectNode body = readObject(req, w);
          change = obj -> Scales.apply(type, obj, body);
        } else {
          UnaryOperator<ObjectNode> p = patcher(req, type, w);
          change = obj -> Scales.apply(type, obj, p.apply(Scales.toScale(json, type, obj)));
        }
        ObjectNode updated = registry.patch(type, t.namespace(), t.name(), change,
            Registry.Part.SCALE, w);
        send(res, cb, 200, Scales.toScale(json, type, updated), "application/json");
      }
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on "
          + "the requested resource");
    }
  }

  private void watch(Request req, Response res, Callback cb, Target t, Fields q, boolean table,
      String accept) {
    ResourceType type = t.type();
    Predicate<ObjectNode> filter = Selectors.both(Selectors.labels(q.getValue("labelSelector")),
        Selectors.fields(type, q.getValue("fieldSelector")));
    String prefix = t.name() != null ? type.key(t.namespace(), t.name())
        : type.listPrefix(t.namespace());
    if (t.name() != null) {
      String name = t.name();
      filter = filter.and(o -> name.equals(o.path("metadata").path("name").asText()));
    }
    String rv = q.getValue("resourceVersion");
    boolean sendInitial = isTrue(q.getValue("sendInitialEvents"));
    long from;
    if (sendInitial) {
      if (!"NotOlderThan".equals(q.getValue("resourceVersionMatch"))) {
        throw ApiException.badRequest("sendInitialEvents is forbidden unless "
            + "resourceVersionMatch is NotOlderThan");
      }
      from = 0;
    } else if (rv == null || rv.isEmpty() || rv.equals("0")) {
      from = 0;
    } else {
      try {
        from = Long.parseLong(rv);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("invalid resource version: \"" + rv + "\"");
      }
    }
    boolean bookmarks = isTrue(q.getValue("allowWatchBookmarks"));
    long timeoutMs = q.getValue("timeoutSeconds") != null
        ? Math.max(1, parseLong(q.getValue("timeoutSeconds"), "timeoutSeconds")) * 1000L
        : (1800 + ThreadLocalRandom.current().nextInt(1800)) * 1000L;
    if (from == 0 && (rv == null || rv.isEmpty())) {
      // unset: the initial state is a consistent read, as fresh as a quorum read
      registry.awaitConsistentCache();
    }
    if (from > 0) {
      try {
        if (!cache.awaitRevision(from, 3_000)) {
          throw ApiException.timeout("Too large resource version: " + from + ", current: "
              + cache.revision());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApiException.unavailable("interrupted");
      }
    }
    String includeObject = q.getValue("includeObject");
    Function<CacheEvent, ObjectNode> render = e -> {
      if (e == null) {
        ObjectNode b = json.createObjectNode();
        b.put("kind", type.kind());
        b.put("apiVersion", type.apiVersion());
        return b;
      }
      return table ? tables.table(type, List.of(e.object()), null, null, includeObject)
          : e.object();
    };
    WatchResponder responder = new WatchResponder(res, cb, json, watchExecutor, render,
        bookmarks, !table);
    CacheWatcher w;
    try {
      w = cache.watch(prefix, filter, from, WATCH_QUEUE, responder::wake);
    } catch (WatchCache.TooOldException e) {
      // as the Kubernetes watch cache: 200, then one ERROR event with a 410 Status
      res.setStatus(200);
      res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      ObjectNode ev = json.createObjectNode();
      ev.put("type", "ERROR");
      ev.set("object", StatusWriter.status(json, ApiException.gone(e.getMessage())));
      res.write(true, ByteBuffer.wrap((ev + "\n").getBytes(StandardCharsets.UTF_8)), cb);
      return;
    }
    res.setStatus(200);
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, table ? tableType(accept) : "application/json");
    res.getHeaders().put(HttpHeader.TRANSFER_ENCODING, "chunked");
    // a watch's connection is not reused: when a master stops, its watches end cleanly and the
    // clients' next watch opens a new connection, which a load balancer sends to a live master
    res.getHeaders().put(HttpHeader.CONNECTION, "close");
    responder.start(w, timeoutMs, sendInitial ? Math.max(1, cache.revision()) : 0, scheduler);
  }

  // ---- authentication and authorization ----------------------------------------------------

  private static final String USER = "keelson.user";

  /**
   * The request's user: from its verified client certificate or its bearer token (the
   * authentication chain; 401 if refused), then, if the request asks for it and that user may,
   * the user it impersonates.
   */
  private UserInfo authenticate(Request req, String path) {
    List<X509Certificate> chain = List.of();
    if (req.getAttribute(EndPoint.SslSessionData.ATTRIBUTE)
        instanceof EndPoint.SslSessionData ssl && ssl.peerCertificates() != null) {
      chain = List.of(ssl.peerCertificates());
    }
    Credentials c = new Credentials(chain, req.getHeaders().get(HttpHeader.AUTHORIZATION));
    UserInfo user;
    try {
      user = authentication.authenticate(c, path);
    } catch (AuthenticationException e) {
      LOG.debug("[{}] {} {}: 401, {}", nodeId, req.getMethod(), path, e.getMessage());
      throw new ApiException(401, "Unauthorized", "Unauthorized", null, null, null,
          List.of(), 0);
    }
    HttpFields h = req.getHeaders();
    java.util.Optional<Impersonation> imp;
    try {
      imp = Impersonation.of(new Impersonation.Headers() {
        @Override
        public Iterable<String> names() {
          return h.getFieldNamesCollection();
        }

        @Override
        public List<String> values(String name) {
          return h.getValuesList(name);
        }
      });
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    if (imp.isEmpty()) {
      return user;
    }
    for (Attributes a : imp.get().checks(user)) {
      authorize(a);
    }
    return imp.get().asUser();
  }

  private static UserInfo userOf(Request req) {
    return req.getAttribute(USER) instanceof UserInfo u ? u : UserInfo.ANONYMOUS;
  }

  /** Asks the authorizer; anything but ALLOW is 403 with Kubernetes' wording. */
  private void authorize(Attributes a) {
    Authorizer.Decision d = authorizer.authorize(a);
    if (d.kind() == Authorizer.Decision.Kind.ALLOW) {
      return;
    }
    String who = "User \"" + a.user().name() + "\"";
    String what = a.resourceRequest()
        ? who + " cannot " + a.verb() + " resource \"" + a.resource()
            + (a.subresource().isEmpty() ? "" : "/" + a.subresource()) + "\" in API group \""
            + a.apiGroup() + "\"" + (a.namespace().isEmpty() ? " at the cluster scope"
            : " in the namespace \"" + a.namespace() + "\"")
        : who + " cannot " + a.verb() + " path \"" + a.path() + "\"";
    String qualified = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
    String msg = (a.resourceRequest() ? qualified + (a.name().isEmpty() ? "" : " \""
        + a.name() + "\"") + " is forbidden: " : "forbidden: ") + what
        + (d.reason().isEmpty() ? "" : ": " + d.reason());
    throw new ApiException(403, "Forbidden", msg, a.apiGroup(), a.resource(),
        a.name().isEmpty() ? null : a.name(), List.of(), 0);
  }

  private static boolean isResourcePath(String[] segs) {
    boolean core = segs[0].equals("api");
    boolean group = segs[0].equals("apis");
    return (core && segs.length > 2) || (group && segs.length > 3);
  }

  /** The Kubernetes verb of a resource request. */
  private static String verbOf(String method, Target t, Fields q) {
    return switch (method) {
      case "GET" -> t.watchPath() || isTrue(q.getValue("watch")) ? "watch"
          : t.name() == null ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> t.name() == null ? "deletecollection" : "delete";
      default -> method.toLowerCase();
    };
  }

  // ---- request parsing ---------------------------------------------------------------------

  /**
   * Drops the fields a built-in kind does not have, as Kubernetes' typed decoding does, and
   * applies fieldValidation: Strict refuses the request (400), Warn (the default) answers with
   * a Warning header per field, Ignore says nothing.
   */
  private void checkFields(ResourceType type, ObjectNode obj, WriteOptions w, Response res) {
    if (!types.isBuiltIn(type)) {
      return;
    }
    List<String> unknown = knownFields.removeUnknown(type.apiVersion(), type.kind(), obj);
    if (unknown.isEmpty() || w.fieldValidation().equals("Ignore")) {
      return;
    }
    if (w.fieldValidation().equals("Strict")) {
      StringBuilder m = new StringBuilder("strict decoding error: ");
      for (int i = 0; i < unknown.size(); i++) {
        m.append(i == 0 ? "" : ", ").append("unknown field \"").append(unknown.get(i))
            .append('"');
      }
      throw ApiException.badRequest(m.toString());
    }
    for (String f : unknown) {
      res.getHeaders().add("Warning", warningHeader("unknown field \"" + f + "\""));
    }
  }

  /** A Warning header's value (RFC 7234: code 299, no agent, the text quoted). */
  static String warningHeader(String message) {
    return "299 - \"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static WriteOptions writeOptions(Fields q) {
    String dryRun = q.getValue("dryRun");
    if (dryRun != null && !dryRun.isEmpty() && !dryRun.equals("All")) {
      throw ApiException.badRequest("dryRun: Unsupported value: \"" + dryRun
          + "\": supported values: \"All\"");
    }
    String fv = q.getValue("fieldValidation");
    if (fv != null && !fv.isEmpty() && !List.of("Strict", "Warn", "Ignore").contains(fv)) {
      throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + fv
          + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
    }
    return new WriteOptions("All".equals(dryRun), q.getValue("fieldManager"), fv,
        isTrue(q.getValue("force")));
  }

  private static ListOptions listOptions(Fields q) {
    String limit = q.getValue("limit");
    return new ListOptions(q.getValue("labelSelector"), q.getValue("fieldSelector"),
        limit == null || limit.isEmpty() ? 0 : parseLong(limit, "limit"), q.getValue("continue"),
        q.getValue("resourceVersion"), q.getValue("resourceVersionMatch"));
  }

  private Registry.DeleteOptions deleteOptions(Request req, Fields q) {
    String policy = q.getValue("propagationPolicy");
    String uid = null;
    String rv = null;
    byte[] body = readBody(req);
    if (body.length > 0) {
      JsonNode d = parse(body, contentType(req));
      JsonNode pre = d.path("preconditions");
      uid = pre.path("uid").asText(null);
      rv = pre.path("resourceVersion").asText(null);
      if (d.hasNonNull("propagationPolicy")) {
        policy = d.path("propagationPolicy").asText();
      }
      if (d.path("orphanDependents").asBoolean(false) && policy == null) {
        policy = "Orphan";
      }
    }
    return new Registry.DeleteOptions(uid, rv, policy);
  }

  private ObjectNode readObject(Request req, WriteOptions w) {
    String ct = contentType(req);
    if (ct.equals(KubeProtobuf.MEDIA_TYPE)) {
      return (ObjectNode) parse(readBody(req), ct);
    }
    if (!ct.equals("application/json") && !ct.equals("application/yaml")
        && !ct.equals("*/*") && !ct.isEmpty()) {
      throw ApiException.unsupportedMediaType("the body of the request was in an unknown "
          + "format - accepted media types include: application/json, application/yaml, "
          + "application/vnd.kubernetes.protobuf");
    }
    JsonNode n = parse(readBody(req), ct);
    if (!n.isObject()) {
      throw ApiException.badRequest("the object provided is not a JSON object");
    }
    return (ObjectNode) n;
  }

  private UnaryOperator<ObjectNode> patcher(Request req, ResourceType type, WriteOptions w) {
    String ct = contentType(req);
    byte[] body = readBody(req);
    switch (ct) {
      case "application/json-patch+json" -> {
        JsonNode p = parse(body, "application/json");
        return o -> Patches.jsonPatch(o, p);
      }
      case "application/merge-patch+json" -> {
        JsonNode p = parse(body, "application/json");
        return o -> Patches.mergePatch(o, p);
      }
      case "application/strategic-merge-patch+json" -> {
        if (!types.isBuiltIn(type)) {
          throw ApiException.unsupportedMediaType("the body of the request was in an unknown "
              + "format - accepted media types include: application/json-patch+json, "
              + "application/merge-patch+json, application/apply-patch+yaml");
        }
        JsonNode p = parse(body, "application/json");
        return o -> Patches.strategicMerge(o, p);
      }
      case "application/apply-patch+yaml" -> {
        JsonNode p = parse(body, "application/yaml");
        if (w.fieldManager() == null || w.fieldManager().isEmpty()) {
          throw ApiException.badRequest("PatchOptions.meta.k8s.io \"\" is invalid: "
              + "fieldManager: Required value: is required for apply patch");
        }
        return new ApplyPatch(type, p, w.fieldManager(), w.force(), clock);
      }
      default -> throw ApiException.unsupportedMediaType("the body of the request was in an "
          + "unknown format - accepted media types include: application/json-patch+json, "
          + "application/merge-patch+json, application/apply-patch+yaml, "
          + "application/strategic-merge-patch+json");
    }
  }

  private static String contentType(Request req) {
    String ct = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase();
  }

  /**
   * The request body, at most {@value #MAX_BODY_BYTES} bytes; 413 beyond. A body a little over the
   * limit is read to its end and dropped before the answer, so the client, still sending, reads
   * the 413 instead of a connection reset; a far larger one is not (the connection closes).
   */
  private static byte[] readBody(Request req) {
    long declared = req.getLength();
    try (InputStream in = Content.Source.asInputStream(req)) {
      if (declared > MAX_BODY_BYTES) {
        throw tooLarge(in, declared);
      }
      byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
      if (b.length > MAX_BODY_BYTES) {
        throw tooLarge(in, -1);
      }
      return b;
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the request body: " + e.getMessage());
    }
  }

  private static ApiException tooLarge(InputStream in, long declared) throws IOException {
    if (declared <= DRAINED_BODY_BYTES) {
      skipDrainable(in);
    }
    return ApiException.tooLarge("Request entity too large: limit is " + MAX_BODY_BYTES);
  }

  private static void skipDrainable(InputStream in) throws IOException {
    long left = DRAINED_BODY_BYTES;
    long n;
    while (left > 0 && (n = in.skip(left)) > 0) {
      left -= n;
    }
  }

  /**
   * Reads and drops what is left of the body of a request answered with an error, unless it
   * declares more than {@value #DRAINED_BODY_BYTES} bytes. Jetty closes a connection whose
   * request content was not read to its end when the answer completed; a request refused before
   * its body arrived (authorization, an unknown resource) would otherwise lose the connection
   * behind a keep-alive answer, and a client that had already sent its next request on it reads
   * nothing back.
   */
  private static void discardBody(Request req) {
    if (req.getLength() > DRAINED_BODY_BYTES) {
      return;
    }
    try (InputStream in = Content.Source.asInputStream(req)) {
      skipDrainable(in);
    } catch (IOException e) {
      LOG.debug("request body not drained: {}", e.toString());
    }
  }

  private JsonNode parse(byte[] body, String ct) {
    if (body.length == 0) {
      throw ApiException.badRequest("the request body is empty");
    }
    if (ct.equals(KubeProtobuf.MEDIA_TYPE)) {
      try {
        return protobuf.decode(body);
      } catch (IllegalArgumentException e) {
        throw e.getMessage().startsWith("no protobuf schema")
            ? ApiException.unsupportedMediaType(e.getMessage()
                + "; send application/json instead")
            : ApiException.badRequest(e.getMessage());
      }
    }
    try {
      JsonNode n = ct.equals("application/yaml") ? yaml.readTree(body) : json.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw ApiException.badRequest("the request body is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      String kind = ct.equals("application/yaml") ? "yaml" : "json";
      throw ApiException.badRequest("error decoding " + kind + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the request body: " + e.getMessage());
    }
  }

  private static void requireName(Target t) {
    if (t.name() == null) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the "
          + "requested resource");
    }
  }

  private static boolean isTrue(String v) {
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  private static long parseLong(String v, String name) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + ": invalid value \"" + v + "\"");
    }
  }

  private static String[] split(String path) {
    return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
        .toArray(String[]::new);
  }

  private static String tableType(String accept) {
    return "application/json;as=Table;v=v1;g=meta.k8s.io";
  }

  private void send(Response res, Callback cb, int code, JsonNode body, String accept) {
    String type = "application/json";
    byte[] bytes;
    try {
      if (accept != null && accept.contains(TABLE) && "Table".equals(body.path("kind").asText())) {
        type = tableType(accept);
        bytes = json.writeValueAsBytes(body);
      } else if (accept != null && accept.startsWith("application/yaml")) {
        type = "application/yaml";
        bytes = yaml.writeValueAsBytes(body);
      } else {
        if (accept != null && accept.startsWith(Discovery.AGGREGATED_TYPE)) {
          type = Discovery.AGGREGATED_TYPE;
        }
        bytes = json.writeValueAsBytes(body);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    res.setStatus(code);
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    res.write(true, ByteBuffer.wrap(bytes), cb);
  }
}
