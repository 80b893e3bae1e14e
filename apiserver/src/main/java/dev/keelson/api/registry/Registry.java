package dev.keelson.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionChain;
import dev.keelson.admission.AdmissionEffects;
import dev.keelson.admission.AdmissionException;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.api.cache.CachedObject;
import dev.keelson.api.cache.WatchCache;
import dev.keelson.api.registry.apply.FieldManager;
import dev.keelson.api.storage.Page;
import dev.keelson.api.storage.Storage;
import dev.keelson.api.storage.StorageException;
import dev.keelson.api.storage.Stored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The generic store behind every resource (Kubernetes' registry.Store): one implementation of
 * create, get, list, update, patch and delete for all types, with the server-managed metadata
 * (uid, creationTimestamp, generation, resourceVersion, generateName), validation, optimistic
 * concurrency, finalizers and the status subresource. Objects are JSON trees; what differs by
 * type is in {@link ResourceType}, {@link Validation} and {@link TypeRules}.
 */
public final class Registry {
  private static final int MAX_PATCH_ATTEMPTS = 5;
  private static final byte[] COMMA = {(byte) ','};
  private static final long CACHE_WAIT_MS = 3_000;
  private static final long COMPANION_RETRY_MS = 10_000;
  private static final String RANDOM_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final Storage storage;
  private final WatchCache cache;
  private final ObjectMapper json;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final List<TypeHooks> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile AdmissionChain admission = AdmissionChain.empty();

  public Registry(Storage storage, WatchCache cache, ObjectMapper json, Clock clock) {
    this.storage = storage;
    this.cache = cache;
    this.json = json;
    this.clock = clock;
  }

  public WatchCache cache() {
    return cache;
  }

  /** The admission chain writes go through (empty: everything is admitted). */
  public void setAdmission(AdmissionChain chain) {
    this.admission = chain;
  }

  /** Plugs in per-type behaviour (see {@link TypeHooks}). */
  public void addHooks(TypeHooks h) {
    hooks.add(h);
  }

  /**
   * Which part of an object a write may change. SCALE is the main part written through the scale
   * subresource (managedFields name the subresource).
   */
  public enum Part { MAIN, STATUS, SCALE }

  // ---- reads -------------------------------------------------------------------------------

  /**
   * One object. {@code resourceVersion} unset: a quorum read; "0": whatever this master has;
   * otherwise at least that new (from the cache once it caught up).
   */
  public ObjectNode get(ResourceType t, String ns, String name, String resourceVersion) {
    String key = t.key(ns, name);
    if (resourceVersion == null || resourceVersion.isEmpty()) {
      Stored s = join(storage.get(key, true));
      if (s == null) {
        throw ApiException.notFound(t, name);
      }
      return decode(s);
    }
    long rv = parseRv(resourceVersion);
    awaitCache(rv);
    CachedObject o = cache.get(key);
    if (o == null) {
      throw ApiException.notFound(t, name);
    }
    return o.object();
  }

  /** A list object ({@code <Kind>List}) of the objects matching {@code o}. */
  public ObjectNode list(ResourceType t, String ns, ListOptions o) {
    return listing(t, ns, o).tree();
  }

  /**
   * The same list as {@link #list}, encoded as JSON, in parts to be sent one after another. A
   * list from the cache is each object's encoding (made once per object version and shared by
   * every list) between the list's head and tail: no copy of the objects, and no array the size
   * of the whole list (10,000 ConfigMaps are 13 MB, which the collector would have to place
   * whole).
   */
  public List<byte[]> listJson(ResourceType t, String ns, ListOptions o) {
    return listing(t, ns, o).json();
  }

  /** A list, from the cache (its snapshot) or from the store (a tree). */
  private interface Listing {
    ObjectNode tree();

    List<byte[]> json();
  }

  private final class FromCache implements Listing {
    private final ResourceType t;
    private final WatchCache.Snapshot s;

    FromCache(ResourceType t, WatchCache.Snapshot s) {
      this.t = t;
      this.s = s;
    }

    @Override
    public ObjectNode tree() {
      ObjectNode list = listObject(t, s.revision(), null, -1);
      ArrayNode items = list.putArray("items");
      s.items().forEach(c -> items.add(c.object()));
      return list;
    }

    @Override
    public List<byte[]> json() {
      ObjectNode head = listObject(t, s.revision(), null, -1);
      head.putArray("items");
      byte[] headBytes = encodeTree(head);
      // {"kind":…,"metadata":{…},"items":[]} → the items go between the brackets
      int close = headBytes.length - 2;
      List<byte[]> parts = new ArrayList<>(2 * s.items().size() + 2);
      parts.add(Arrays.copyOf(headBytes, close));
      for (CachedObject c : s.items()) {
        if (parts.size() > 1) {
          parts.add(COMMA);
        }
        parts.add(c.json());
      }
      parts.add(Arrays.copyOfRange(headBytes, close, headBytes.length));
      return parts;
    }
  }

  private record FromStore(ObjectNode list, ObjectMapper mapper) implements Listing {
    @Override
    public ObjectNode tree() {
      return list;
    }

    @Override
    public List<byte[]> json() {
      try {
        return List.of(mapper.writeValueAsBytes(list));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }  }


  private byte[] encodeTree(ObjectNode o) {
    try {
      return json.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Listing listing(ResourceType t, String ns, ListOptions o) {
    Predicate<ObjectNode> filter = Selectors.both(Selectors.labels(o.labelSelector()),
        Selectors.fields(t, o.fieldSelector()));
    String prefix = t.listPrefix(ns);
    String rv = o.resourceVersion();
    String match = o.resourceVersionMatch();
    if (match != null && !match.isEmpty() && (rv == null || rv.isEmpty())) {
      throw ApiException.badRequest("resourceVersionMatch is forbidden unless resourceVersion "
          + "is provided");
    }
    if (o.continueToken() != null && !o.continueToken().isEmpty()) {
      if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
        throw ApiException.badRequest("specifying resource version is not allowed when using "
            + "continue");
      }
      Continue c = Continue.decode(o.continueToken(), prefix);
      return new FromStore(listFromStorage(t, prefix, c.nextKey(), o.limit(), c.revision(),
          filter), json);
    }
    if ("Exact".equals(match)) {
      return new FromStore(listFromStorage(t, prefix, null, o.limit(), parseRv(rv), filter),
          json);
    }
    if (rv != null && !rv.isEmpty()) {
      long want = parseRv(rv);
      if (want > 0) {
        awaitCache(want);
      }
      return new FromCache(t, cache.list(prefix, filter));
    }
    if (o.limit() > 0) {
      return new FromStore(listFromStorage(t, prefix, null, o.limit(), 0, filter), json);
    }
    return new FromCache(t, consistentList(prefix, filter));
  }

  /** A consistent read from the cache: it has caught up with the quorum's revision. */
  private WatchCache.Snapshot consistentList(String prefix, Predicate<ObjectNode> filter) {
    long head = join(storage.currentRevision());
    awaitCache(head);
    return cache.list(prefix, filter);
  }

  private ObjectNode listFromStorage(ResourceType t, String prefix, String fromKey, long limit,
      long revision, Predicate<ObjectNode> filter) {
    List<ObjectNode> out = new ArrayList<>();
    String next = fromKey;
    long rev = revision;
    boolean more;
    long remaining = -1;
    String lastKey = null;
    do {
      long want = limit <= 0 ? 0 : Math.max(limit - out.size(), 1);
      Page p;
      try {
        p = join(storage.list(prefix, next, want, rev, rev == 0));
      } catch (ApiException e) {
        if (e.code() == 410) {
          throw new ApiException(410, "Expired", "The provided continue parameter is too old to "
              + "display a consistent list result. You can start a new list without the "
              + "continue parameter.", null, null, null, List.of(), 0);
        }
        throw e;
      }
      rev = rev != 0 ? rev : p.revision(); // a range's header is the head, not the revision read
      for (Stored s : p.items()) {
        lastKey = s.key();
        ObjectNode obj = decode(s);
        if (filter.test(obj)) {
          out.add(obj);
        }
      }
      more = p.more();
      remaining = p.remaining();
      next = lastKey == null ? null : lastKey + "\0";
    } while (more && limit > 0 && out.size() < limit);
    String token = more && limit > 0 && lastKey != null
        ? new Continue(lastKey + "\0", rev).encode() : null;
    ObjectNode list = listObject(t, rev, token, token != null ? remaining : -1);
    ArrayNode items = list.putArray("items");
    out.forEach(items::add);
    return list;
  }

  private ObjectNode listObject(ResourceType t, long revision, String continueToken,
      long remaining) {
    ObjectNode list = json.createObjectNode();
    list.put("kind", t.listKind());
    list.put("apiVersion", t.apiVersion());
    ObjectNode meta = list.putObject("metadata");
    meta.put("resourceVersion", Long.toString(revision));
    if (continueToken != null) {
      meta.put("continue", continueToken);
      if (remaining > 0) {
        meta.put("remainingItemCount", remaining);
      }
    }
    return list;
  }

  /** Where a paginated list continues: the next key and the revision of the first page. */
  record Continue(String nextKey, long revision) {
    String encode() {
      String body = "{\"v\":\"keelson/1\",\"rv\":" + revision + ",\"start\":\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(
              nextKey.getBytes(StandardCharsets.UTF_8)) + "\"}";
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          body.getBytes(StandardCharsets.UTF_8));
    }

    static Continue decode(String token, String prefix) {
      try {
        String body = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        JsonNode n = new ObjectMapper().readTree(body);
        String key = new String(Base64.getUrlDecoder().decode(n.path("start").asText()),
            StandardCharsets.UTF_8);
        long rv = n.path("rv").asLong(0);
        if (!n.path("v").asText().equals("keelson/1") || rv <= 0 || !key.startsWith(prefix)) {
          throw new IllegalArgumentException("not ours");
        }
        return new Continue(key, rv);
      } catch (IOException | IllegalArgumentException e) {
        throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
      }
    }
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Creates an object in {@code ns} (ignored for cluster-scoped types). */
  public ObjectNode create(ResourceType t, String ns, ObjectNode body, WriteOptions w) {
    checkTypeOf(t, body);
    ObjectNode meta = body.withObjectProperty("metadata");
    setNamespace(t, ns, meta);
    String name = meta.path("name").asText("");
    if (name.isEmpty() && !meta.path("generateName").asText("").isEmpty()) {
      meta.put("name", generateName(meta.path("generateName").asText()));
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", now());
    if (tracksGeneration(t)) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    meta.remove(List.of("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds",
        "selfLink"));
    if (t.statusSubresource()) {
      body.remove("status");
    }
    Defaults.onCreate(t, body);
    AdmissionRequest adm = admissionRequest(Operation.CREATE, t, ns, meta.path("name").asText(),
        body, null, Part.MAIN, w);
    admit(() -> admission.mutate(adm));
    validate(t, body, null);
    for (TypeHooks h : hooks) {
      h.authorize(t, ns, body, null, w.user());
    }
    admit(() -> admission.validate(adm));
    FieldManager.recordWrite(t, null, body, body, Part.MAIN, w, now());
    if (w.dryRun()) {
      return body;
    }
    Stored s;
    try {
      s = createWithCompanions(t.key(ns, meta.path("name").asText()), encode(body), adm);
    } catch (ApiException e) {
      throw e.code() == 409 ? ApiException.alreadyExists(t, meta.path("name").asText()) : e;
    }
    meta.put("resourceVersion", Long.toString(s.modRevision()));
    return body;
  }

  /**
   * Creates {@code key} with the companion writes admission attached (ResourceQuota's charge),
   * in one transaction. When a companion's object changed since admission read it (another
   * master charged the same quota), waits for this master's cache to see that change and runs
   * the charging plugins again, until the write goes through, a plugin refuses, or
   * {@link #COMPANION_RETRY_MS} is over.
   */
  private Stored createWithCompanions(String key, byte[] value, AdmissionRequest adm) {
    long deadline = System.nanoTime() + COMPANION_RETRY_MS * 1_000_000;
    for (;;) {
      List<Storage.Companion> companions = new ArrayList<>();
      for (AdmissionEffects.CompanionWrite c : adm.effects().companions()) {
        ObjectNode o = c.object().deepCopy();
        o.withObjectProperty("metadata").remove("resourceVersion");
        companions.add(new Storage.Companion(
            ResourceType.keyOf(c.group(), c.resource(), c.namespace(), c.name()), encode(o),
            c.expectedResourceVersion()));
      }
      try {
        return storage.create(key, value, companions).join();
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof StorageException se)
            || se.reason() != StorageException.Reason.COMPANION_CHANGED
            || System.nanoTime() > deadline) {
          throw join(e);
        }
        awaitCache(se.revision());
        adm.effects().clearCompanions();
        admit(() -> admission.recharge(adm));
      }
    }
  }

  /** Replaces an object (or its status); 409 when {@code body}'s resourceVersion is stale. */
  public ObjectNode update(ResourceType t, String ns, String name, ObjectNode body, Part part,
      WriteOptions w) {
    checkTypeOf(t, body);
    ObjectNode meta = body.withObjectProperty("metadata");
    String bodyName = meta.path("name").asText("");
    if (!bodyName.equals(name)) {
      throw ApiException.badRequest("the name of the object (" + bodyName
          + ") does not match the name on the URL (" + name + ")");
    }
    setNamespace(t, ns, meta);
    String rv = meta.path("resourceVersion").asText("");
    Stored current = current(t.key(ns, name), !rv.isEmpty());
    if (current == null) {
      throw ApiException.notFound(t, name);
    }
    long expected = rv.isEmpty() ? current.modRevision() : parseRv(rv);
    if (expected != current.modRevision()) {
      throw ApiException.conflict(t, name);
    }
    return write(t, ns, name, decode(current), body, part, w, rv.isEmpty());
  }

  /**
   * Applies {@code patch} to the current object and writes the result, retrying when someone
   * else wrote meanwhile, unless the patched object names the resourceVersion it expects.
   */
  public ObjectNode patch(ResourceType t, String ns, String name, UnaryOperator<ObjectNode> patch,
      Part part, WriteOptions w) {
    boolean quorum = false;
    for (int attempt = 1; ; attempt++) {
      Stored current = current(t.key(ns, name), quorum);
      if (current == null) {
        throw ApiException.notFound(t, name);
      }
      ObjectNode old = decode(current);
      ObjectNode patched = patch.apply(old.deepCopy());
      ObjectNode meta = patched.withObjectProperty("metadata");
      String rv = meta.path("resourceVersion").asText("");
      boolean precondition = !rv.isEmpty() && !rv.equals(Long.toString(current.modRevision()));
      if (precondition) {
        throw ApiException.conflict(t, name);
      }
      if (!meta.path("name").asText(name).equals(name)) {
        throw ApiException.badRequest("the name of the object (" + meta.path("name").asText()
            + ") does not match the name on the URL (" + name + ")");
      }
      meta.put("name", name);
      meta.put("resourceVersion", Long.toString(current.modRevision()));
      try {
        return write(t, ns, name, old, patched, part, w, true);
      } catch (ApiException e) {
        if (e.code() != 409 || !"Conflict".equals(e.reason()) || attempt >= MAX_PATCH_ATTEMPTS) {
          throw e;
        }
        quorum = true;
      }
    }
  }

  /** The common end of update and patch: system fields, validation, the conditional write. */
  private ObjectNode write(ResourceType t, String ns, String name, ObjectNode old,
      ObjectNode body, Part part, WriteOptions w, boolean retryable) {
    long expected = parseRv(old.path("metadata").path("resourceVersion").asText());
    ObjectNode next;
    if (part == Part.STATUS) {
      next = old.deepCopy();
      if (body.has("status")) {
        next.set("status", body.get("status"));
      } else {
        next.remove("status");
      }
    } else {
      next = body;
      if (t.statusSubresource()) {
        if (old.has("status")) {
          next.set("status", old.get("status"));
        } else {
          next.remove("status");
        }
      }
    }
    ObjectNode meta = next.withObjectProperty("metadata");
    JsonNode oldMeta = old.path("metadata");
    for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "generation")) {
      if (oldMeta.has(f)) {
        meta.set(f, oldMeta.get(f));
      } else {
        meta.remove(f);
      }
    }
    meta.remove("selfLink");
    setNamespace(t, ns, meta);
    if (tracksGeneration(t) && specChanged(old, next)) {
      meta.put("generation", oldMeta.path("generation").asLong(1) + 1);
    }
    if (oldMeta.has("deletionTimestamp") && meta.path("finalizers").size()
        > oldMeta.path("finalizers").size()) {
      throw ApiException.forbidden(t, name, "no new finalizers can be added if the object is "
          + "being deleted");
    }
    Defaults.onUpdate(t, next);
    AdmissionRequest adm = admissionRequest(Operation.UPDATE, t, ns, name, next, old, part, w);
    admit(() -> admission.mutate(adm));
    validate(t, next, old);
    for (TypeHooks h : hooks) {
      h.authorize(t, ns, next, old, w.user());
    }
    admit(() -> admission.validate(adm));
    FieldManager.recordWrite(t, old, next, body, part, w, now());
    if (sameObject(old, next)) {
      return old; // nothing changed: no write, the old resourceVersion stands
    }
    if (w.dryRun()) {
      return next;
    }
    if (oldMeta.has("deletionTimestamp") && !Defaults.finalizersPending(t, next)) {
      Stored gone = join(storage.delete(t.key(ns, name), expected));
      meta.put("resourceVersion", Long.toString(gone.modRevision()));
      return next;
    }
    meta.remove("resourceVersion");
    try {
      Stored s = join(storage.update(t.key(ns, name), encode(next), expected));
      meta.put("resourceVersion", Long.toString(s.modRevision()));
      return next;
    } catch (ApiException e) {
      meta.put("resourceVersion", Long.toString(expected));
      throw e.code() == 409 ? ApiException.conflict(t, name) : e;
    }
  }

  /**
   * The object a write starts from: this master's copy (a stale one only costs a conflict and
   * a retry), or, when this master has none, a quorum read: only that may say it is missing.
   */
  private Stored current(String key, boolean quorum) {
    Stored s = join(storage.get(key, quorum));
    return s != null || quorum ? s : join(storage.get(key, true));
  }

  /** The store's head revision, by a quorum read. */
  public long currentRevision() {
    return join(storage.currentRevision());
  }

  /** Waits until the cache holds every write acknowledged before this call (a quorum read). */
  public void awaitConsistentCache() {
    awaitCache(join(storage.currentRevision()));
  }

  /** Deletion options: preconditions and the propagation policy. */
  public record DeleteOptions(String uid, String resourceVersion, String propagationPolicy) {
    public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null);
  }

  /**
   * Deletes an object: at once, or (when finalizers remain) by marking it with a
   * deletionTimestamp; it goes when the last finalizer is removed. The Orphan and Foreground
   * policies add the finalizer that the garbage collector acts on, as kube-apiserver does.
   */
  public ObjectNode delete(ResourceType t, String ns, String name, DeleteOptions d,
      WriteOptions w) {
    for (int attempt = 1; ; attempt++) {
      Stored current = current(t.key(ns, name), attempt > 1 || d.resourceVersion() != null);
      if (current == null) {
        throw ApiException.notFound(t, name);
      }
      ObjectNode obj = decode(current);
      ObjectNode meta = obj.withObjectProperty("metadata");
      if (d.uid() != null && !d.uid().equals(meta.path("uid").asText())) {
        throw ApiException.conflict(t, name, "Precondition failed: UID in precondition: "
            + d.uid() + ", UID in object meta: " + meta.path("uid").asText());
      }
      if (d.resourceVersion() != null
          && !d.resourceVersion().equals(Long.toString(current.modRevision()))) {
        throw ApiException.conflict(t, name, "Precondition failed: ResourceVersion in "
            + "precondition: " + d.resourceVersion() + ", ResourceVersion in object meta: "
            + current.modRevision());
      }
      ArrayNode finalizers = meta.withArrayProperty("finalizers");
      String policyFinalizer = "Orphan".equals(d.propagationPolicy()) ? "orphan"
          : "Foreground".equals(d.propagationPolicy()) ? "foregroundDeletion" : null;
      if (policyFinalizer != null && !contains(finalizers, policyFinalizer)) {
        finalizers.add(policyFinalizer);
      }
      if (d.propagationPolicy() != null && !List.of("Orphan", "Foreground", "Background")
          .contains(d.propagationPolicy())) {
        throw ApiException.badRequest("propagationPolicy: Unsupported value: \""
            + d.propagationPolicy() + "\": supported values: \"Foreground\", \"Background\", "
            + "\"Orphan\"");
      }
      if (finalizers.isEmpty()) {
        meta.remove("finalizers");
      }
      Defaults.onDelete(t, obj);
      AdmissionRequest adm = admissionRequest(Operation.DELETE, t, ns, name, null,
          decode(current), Part.MAIN, w);
      admit(() -> admission.validate(adm));
      try {
        if (Defaults.finalizersPending(t, obj)) {
          if (!meta.has("deletionTimestamp")) {
            meta.put("deletionTimestamp", now());
            meta.put("deletionGracePeriodSeconds", 0);
          }
          if (w.dryRun()) {
            return obj;
          }
          meta.remove("resourceVersion");
          Stored s = join(storage.update(t.key(ns, name), encode(obj), current.modRevision()));
          meta.put("resourceVersion", Long.toString(s.modRevision()));
          return obj;
        }
        if (w.dryRun()) {
          return obj;
        }
        Stored gone = join(storage.delete(t.key(ns, name), current.modRevision()));
        meta.put("resourceVersion", Long.toString(gone.modRevision()));
        return obj;
      } catch (ApiException e) {
        if (e.code() != 409 || d.resourceVersion() != null || attempt >= MAX_PATCH_ATTEMPTS) {
          throw e.code() == 409 ? ApiException.conflict(t, name) : e;
        }
      }
    }
  }

  /** Deletes every object of the list, one by one; returns the list of what it deleted. */
  public ObjectNode deleteCollection(ResourceType t, String ns, ListOptions o, DeleteOptions d,
      WriteOptions w) {
    ArrayNode deleted = json.createArrayNode();
    ObjectNode list = deleteEach(t, ns, o, d, w, 1, deleted::add);
    list.set("items", deleted);
    return list;
  }

  /**
   * Deletes every object the list's selectors pick and hands {@code each} what {@link #delete}
   * returned for it (the object deleted, or the object now waiting for its finalizers); returns
   * the list's head, without items. The list is the watch cache's snapshot and each object is
   * decoded only when its turn comes, so a collection of any size is deleted in bounded memory
   * (a namespace of 250,000 ConfigMaps decoded at once needs over 1 GB). With
   * {@code parallelism} above 1 that many deletes are in flight at once (their Raft entries
   * batch), and {@code each} is called from those threads, one call at a time.
   */
  public ObjectNode deleteEach(ResourceType t, String ns, ListOptions o, DeleteOptions d,
      WriteOptions w, int parallelism, Consumer<ObjectNode> each) {
    WatchCache.Snapshot list = consistentList(t.listPrefix(ns), Selectors.both(
        Selectors.labels(o.labelSelector()), Selectors.fields(t, o.fieldSelector())));
    Consumer<ObjectNode> deleteOne = item -> {
      String name = item.path("metadata").path("name").asText();
      String itemNs = item.path("metadata").path("namespace").asText(null);
      try {
        ObjectNode gone = delete(t, itemNs, name, d, w);
        synchronized (each) {
          each.accept(gone);
        }
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    };
    if (parallelism <= 1) {
      list.items().forEach(c -> deleteOne.accept(c.object()));
      return listObject(t, list.revision(), null, -1);
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread th = new Thread(r, "delete-collection");
      th.setDaemon(true);
      return th;
    });
    Semaphore slots = new Semaphore(parallelism);
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    try {
      list.items().forEach(c -> {
        ObjectNode item = c.object();
        slots.acquireUninterruptibly();
        if (failed.get() != null) {
          throw failed.get(); // stop at the first failure, as one at a time does
        }
        pool.execute(() -> {
          try {
            deleteOne.accept(item);
          } catch (RuntimeException e) {
            failed.compareAndSet(null, e);
          } finally {
            slots.release();
          }
        });
      });
      slots.acquireUninterruptibly(parallelism); // every delete answered
    } finally {
      pool.shutdown();
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    return listObject(t, list.revision(), null, -1);
  }


  // ---- helpers -----------------------------------------------------------------------------

  private static boolean contains(ArrayNode a, String v) {
    for (JsonNode n : a) {
      if (n.asText().equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static void checkTypeOf(ResourceType t, ObjectNode body) {
    String apiVersion = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.equals(t.apiVersion())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + t.apiVersion() + ")");
    }
    if (!kind.isEmpty() && !kind.equals(t.kind())) {
      throw ApiException.badRequest("the kind in the data (" + kind
          + ") does not match the expected kind (" + t.kind() + ")");
    }
    if (!body.path("metadata").isMissingNode() && !body.path("metadata").isObject()) {
      throw ApiException.badRequest("metadata must be an object");
    }
    body.put("apiVersion", t.apiVersion());
    body.put("kind", t.kind());
  }

  private static void setNamespace(ResourceType t, String ns, ObjectNode meta) {
    if (!t.namespaced()) {
      meta.remove("namespace");
      return;
    }
    String given = meta.path("namespace").asText("");
    if (!given.isEmpty() && !given.equals(ns)) {
      throw ApiException.badRequest("the namespace of the provided object does not match the "
          + "namespace sent on the request");
    }
    meta.put("namespace", ns);
  }

  private AdmissionRequest admissionRequest(Operation op, ResourceType t, String ns, String name,
      ObjectNode obj, ObjectNode old, Part part, WriteOptions w) {
    String sub = part == Part.STATUS ? "status" : part == Part.SCALE ? "scale" : "";
    return new AdmissionRequest(op, t.group(), t.version(), t.kind(), t.resource(), sub,
        t.namespaced() ? ns : "", name, obj, old, w.user(), w.dryRun(),
        new AdmissionEffects(w.warnings()));
  }

  /** Runs an admission step; its refusal becomes the API's error. */
  private static void admit(Runnable step) {
    try {
      step.run();
    } catch (AdmissionException e) {
      throw new ApiException(e.code(), e.reason(), e.getMessage(), null, null, null, List.of(),
          0);
    }
  }

  private void validate(ResourceType t, ObjectNode obj, ObjectNode old) {
    for (TypeHooks h : hooks) {
      h.prepare(t, obj, old);
    }
    List<ApiException.Cause> causes = new ArrayList<>(Validation.validate(t, obj));
    for (TypeHooks h : hooks) {
      causes.addAll(h.validate(t, obj, old));
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid(t, t.kind(), obj.path("metadata").path("name").asText(""),
          causes);
    }
  }

  /**
   * Types with a spec and a status count spec changes in metadata.generation (so controllers
   * can report observedGeneration); core types, as in Kubernetes 1.32, do not.
   */
  static boolean tracksGeneration(ResourceType t) {
    return t.statusSubresource() && !t.group().isEmpty();
  }

  /** Anything but metadata and status changed (generation counts spec changes). */
  private static boolean specChanged(ObjectNode old, ObjectNode next) {
    ObjectNode a = old.deepCopy();
    ObjectNode b = next.deepCopy();
    for (ObjectNode o : List.of(a, b)) {
      o.remove(List.of("metadata", "status", "apiVersion", "kind"));
    }
    return !a.equals(b);
  }

  private static boolean sameObject(ObjectNode old, ObjectNode next) {
    ObjectNode a = old.deepCopy();
    ObjectNode b = next.deepCopy();
    a.withObjectProperty("metadata").remove("resourceVersion");
    b.withObjectProperty("metadata").remove("resourceVersion");
    return a.equals(b);
  }

  private String generateName(String prefix) {
    String base = prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
    StringBuilder b = new StringBuilder(base);
    for (int i = 0; i < 5; i++) {
      b.append(RANDOM_CHARS.charAt(random.nextInt(RANDOM_CHARS.length())));
    }
    return b.toString();
  }

  private String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private void awaitCache(long rv) {
    try {
      if (!cache.awaitRevision(rv, CACHE_WAIT_MS)) {
        throw ApiException.timeout("Too large resource version: " + rv + ", current: "
            + cache.revision());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
  }

  static long parseRv(String rv) {
    try {
      long v = Long.parseLong(rv);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid resource version: \"" + rv + "\"");
    }
  }

  /** Parses a JSON object (bootstrap objects written in code). */
  public ObjectNode decodeJson(String text) {
    try {
      return (ObjectNode) json.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public ObjectNode decode(Stored s) {
    try {
      ObjectNode o = (ObjectNode) json.readTree(s.value());
      o.withObjectProperty("metadata").put("resourceVersion", Long.toString(s.modRevision()));
      return o;
    } catch (IOException | ClassCastException e) {
      throw new ApiException(500, "InternalError", "stored object under " + s.key()
          + " is not JSON", null, null, null, List.of(), 0);
    }
  }

  private byte[] encode(ObjectNode o) {
    try {
      byte[] b = json.writeValueAsBytes(o);
      if (b.length > 1_572_864) {
        throw ApiException.tooLarge("Request entity too large: limit is 1572864");
      }
      return b;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a store future, mapping its failure to an {@link ApiException}. */
  static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw join(e);
    }
  }

  /** The API's error for a failed store request. */
  private static ApiException join(CompletionException e) {
    Throwable c = e.getCause();
    if (c instanceof StorageException se) {
      return switch (se.reason()) {
        case NOT_FOUND -> ApiException.notFound(se.getMessage());
        case EXISTS, CONFLICT -> new ApiException(409, "Conflict", se.getMessage(), null, null,
            null, List.of(), 0);
        case COMPANION_CHANGED -> ApiException.timeout("resource quota evaluation timed out: "
            + "concurrent writes kept changing the quota; try again");
        case COMPACTED -> ApiException.gone("The resourceVersion for the provided list is too "
            + "old.");
        case TOO_NEW -> ApiException.timeout("Too large resource version");
        case UNAVAILABLE -> ApiException.unavailable(Objects.toString(se.getMessage(),
            "storage unavailable"));
      };
    }
    if (c instanceof ApiException ae) {
      return ae;
    }
    return ApiException.unavailable(String.valueOf(c));
  }

}
