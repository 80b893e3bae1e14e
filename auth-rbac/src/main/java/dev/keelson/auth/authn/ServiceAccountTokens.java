package dev.keelson.auth.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Service-account tokens: JWTs (ES256) that every master signs and verifies with the same key
 * pair, so a token issued by one master is accepted by all. The claims are those of
 * Kubernetes' bound tokens: {@code iss}, {@code sub} = {@code system:serviceaccount:<ns>:<name>},
 * {@code aud}, {@code exp}, {@code iat}, {@code nbf}, {@code jti}, and
 * {@code kubernetes.io: {namespace, serviceaccount: {name, uid}}}.
 *
 * <p>A token is accepted when its signature, issuer, audience and validity window hold and its
 * service account still exists with the uid in the token (so deleting an account, or deleting
 * and re-creating it, revokes its tokens). Accepted tokens are remembered for
 * {@link #CACHE_TTL}, as kube-apiserver's token cache does, so a client does not pay a
 * signature check per request; a deleted account's tokens may therefore work that much longer.
 */
public final class ServiceAccountTokens implements Authenticator {
  /** The issuer kube-apiserver is usually configured with, and Keelson's. */
  public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  public static final String USER_PREFIX = "system:serviceaccount:";
  public static final String GROUP_ALL = "system:serviceaccounts";
  /** Extra key carrying the token's id, as Kubernetes sets it. */
  public static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
  static final Duration CACHE_TTL = Duration.ofSeconds(10);
  private static final int CACHE_MAX = 10_000;
  /** Clock skew tolerated on nbf and exp. */
  private static final Duration LEEWAY = Duration.ofSeconds(60);

  /** Whether a service account exists, and its uid. */
  public interface Accounts {
    Optional<String> uid(String namespace, String name);
  }

  /** A token as issued, with the instant it stops working. */
  public record Issued(String token, Instant expires) {}

  private final ECDSASigner signer;
  private final JWSVerifier verifier;
  private final String keyId;
  private final String issuer;
  private final List<String> apiAudiences;
  private final Clock clock;
  private final Accounts accounts;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(UserInfo user, Instant until, List<String> audiences) {}

  /**
   * @param key the EC P-256 key pair shared by all masters
   * @param apiAudiences audiences this API accepts; a token must name one of them (empty: the
   *     issuer)
   */
  public ServiceAccountTokens(KeyPair key, String issuer, List<String> apiAudiences, Clock clock,
      Accounts accounts) {
    try {
      this.signer = new ECDSASigner((ECPrivateKey) key.getPrivate());
      this.verifier = new ECDSAVerifier((ECPublicKey) key.getPublic());
    } catch (JOSEException | ClassCastException e) {
      throw new IllegalArgumentException("a service-account key must be an EC P-256 key pair", e);
    }
    this.keyId = keyId(key);
    this.issuer = issuer;
    this.apiAudiences = apiAudiences.isEmpty() ? List.of(issuer) : List.copyOf(apiAudiences);
    this.clock = clock;
    this.accounts = accounts;
  }

  /** The audiences a token gets when its request names none. */
  public List<String> apiAudiences() {
    return apiAudiences;
  }

  /** Signs a token for the account, valid from now for {@code ttl}. */
  public Issued issue(String namespace, String name, String uid, List<String> audiences,
      Duration ttl) {
    Instant now = clock.instant();
    Instant exp = now.plus(ttl);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(USER_PREFIX + namespace + ":" + name)
        .audience(audiences.isEmpty() ? apiAudiences : audiences)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(exp))
        .jwtID(UUID.randomUUID().toString())
        .claim("kubernetes.io", Map.of("namespace", namespace,
            "serviceaccount", Map.of("name", name, "uid", uid)))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build(),
        claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a service-account token", e);
    }
    // JWT times are whole seconds: report the expiry the token actually carries
    return new Issued(jwt.serialize(), Instant.ofEpochSecond(exp.getEpochSecond()));
  }

  @Override
  public Optional<UserInfo> authenticate(Credentials c) throws AuthenticationException {
    Optional<String> token = BearerToken.of(c);
    return token.isEmpty() ? Optional.empty() : review(token.get(), apiAudiences);
  }

  /**
   * Who the token names, if it is one of ours and good for one of {@code audiences}; empty if it
   * is not a token of this issuer (another authenticator may know it).
   *
   * @throws AuthenticationException if it is ours but bad: signature, time, audience, account
   */
  public Optional<UserInfo> review(String token, List<String> audiences)
      throws AuthenticationException {
    Instant now = clock.instant();
    Cached hit = cache.get(token);
    if (hit != null && now.isBefore(hit.until()) && overlaps(hit.audiences(), audiences)) {
      return Optional.of(hit.user());
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return Optional.empty();
    }
    if (!issuer.equals(claims.getIssuer())) {
      return Optional.empty();
    }
    try {
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        throw new AuthenticationException("invalid bearer token: bad signature");
      }
    } catch (JOSEException e) {
      throw new AuthenticationException("invalid bearer token: " + e.getMessage());
    }
    Date exp = claims.getExpirationTime();
    Date nbf = claims.getNotBeforeTime();
    if (exp == null || !now.isBefore(exp.toInstant().plus(LEEWAY))) {
      throw new AuthenticationException("invalid bearer token: token has expired");
    }
    if (nbf != null && now.plus(LEEWAY).isBefore(nbf.toInstant())) {
      throw new AuthenticationException("invalid bearer token: token is not valid yet");
    }
    List<String> aud = claims.getAudience() == null ? List.of() : claims.getAudience();
    if (!overlaps(aud, audiences)) {
      throw new AuthenticationException("invalid bearer token: token audiences " + aud
          + " is invalid for the target audiences " + audiences);
    }
    String sub = claims.getSubject();
    String[] parts = sub == null || !sub.startsWith(USER_PREFIX) ? new String[0]
        : sub.substring(USER_PREFIX.length()).split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new AuthenticationException("invalid bearer token: bad subject");
    }
    String ns = parts[0];
    String name = parts[1];
    String tokenUid = "";
    if (claims.getClaim("kubernetes.io") instanceof Map<?, ?> k
        && k.get("serviceaccount") instanceof Map<?, ?> sa && sa.get("uid") instanceof String u) {
      tokenUid = u;
    }
    Optional<String> uid = accounts.uid(ns, name);
    if (uid.isEmpty()) {
      throw new AuthenticationException("invalid bearer token: service account " + ns + "/"
          + name + " has been deleted");
    }
    if (!tokenUid.isEmpty() && !tokenUid.equals(uid.get())) {
      throw new AuthenticationException("invalid bearer token: service account uid ("
          + uid.get() + ") does not match claim (" + tokenUid + ")");
    }
    List<String> groups = List.of(GROUP_ALL, GROUP_ALL + ":" + ns, "system:authenticated");
    Map<String, List<String>> extra = claims.getJWTID() == null ? Map.of()
        : Map.of(CREDENTIAL_ID, List.of("JTI=" + claims.getJWTID()));
    UserInfo user = new UserInfo(USER_PREFIX + ns + ":" + name, uid.get(), groups, extra);
    if (cache.size() >= CACHE_MAX) {
      cache.clear();
    }
    Instant until = now.plus(CACHE_TTL);
    if (exp.toInstant().isBefore(until)) {
      until = exp.toInstant();
    }
    cache.put(token, new Cached(user, until, aud));
    return Optional.of(user);
  }

  private static boolean overlaps(List<String> a, List<String> b) {
    for (String x : a) {
      if (b.contains(x)) {
        return true;
      }
    }
    return false;
  }

  /** Kubernetes' key id: the base64url SHA-256 of the public key's DER encoding. */
  private static String keyId(KeyPair key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded());
      return Base64URL.encode(d).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The namespace and name of a service-account user name, or null if it is not one. */
  public static String[] accountOf(String userName) {
    if (!userName.startsWith(USER_PREFIX)) {
      return null;
    }
    String[] p = userName.substring(USER_PREFIX.length()).split(":", -1);
    return p.length == 2 && !p[0].isEmpty() && !p[1].isEmpty() ? p : null;
  }
}
