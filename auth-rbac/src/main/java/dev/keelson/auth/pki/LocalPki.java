package dev.keelson.auth.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of a local cluster, kept as PEM files in one directory:
 *
 * <pre>
 *   ca.crt      ca.key       CN=keelson-ca, 10 years: trusted by apiserver and clients
 *   server.crt  server.key   CN=keelson-apiserver, 1 year, serverAuth, SANs below
 *   admin.crt   admin.key    CN=keelson-admin, O=system:masters, 1 year, clientAuth
 *   peer.crt    peer.key     CN=keelson-peer, 1 year, serverAuth + clientAuth, SANs as server:
 *                            Raft traffic between masters (mutual TLS)
 *   etcd-client.crt/.key     CN=keelson-etcd-client, 1 year, clientAuth: etcdctl and other
 *                            clients of the etcd API, which requires a client certificate
 *   sa.key      sa.pub       EC P-256 pair that signs and verifies service-account tokens
 * </pre>
 *
 * <p>{@link #ensure} is idempotent: it creates what is missing and leaves every file that is
 * still good untouched, so running {@code bin/keelson up} again keeps the CA and with it every
 * kubeconfig already handed out. A server or admin certificate is issued again (and only it) when
 * either of its files is missing or unreadable, its key does not match, it was not signed by the
 * CA, it expires within {@link #RENEW_BEFORE}, or (server only) it lacks a requested SAN. A
 * directory with one CA file but not the other is an error: creating a new CA silently would
 * invalidate every certificate the old one signed.
 *
 * <p>Private keys are written 0600 and every file atomically (see {@link IssuedCert#write}).
 */
public final class LocalPki {
  public static final String CA_NAME = "keelson-ca";
  public static final String SERVER_NAME = "keelson-apiserver";
  public static final String ADMIN_NAME = "keelson-admin";
  public static final String ADMIN_GROUP = "system:masters";
  public static final String PEER_NAME = "keelson-peer";
  public static final String ETCD_CLIENT_NAME = "keelson-etcd-client";
  /** DNS names every server certificate carries besides the requested ones. */
  public static final List<String> DEFAULT_DNS_NAMES =
      List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc");
  /** IP addresses every server certificate carries besides the requested ones. */
  public static final List<String> DEFAULT_IP_ADDRESSES = List.of("127.0.0.1");
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  /** A leaf certificate this close to its end is issued again. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private static final String CA_CERT = "ca.crt";
  private static final String CA_KEY = "ca.key";
  private static final String SERVER_CERT = "server.crt";
  private static final String SERVER_KEY = "server.key";
  private static final String ADMIN_CERT = "admin.crt";
  private static final String ADMIN_KEY = "admin.key";
  private static final String PEER_CERT = "peer.crt";
  private static final String PEER_KEY = "peer.key";
  private static final String ETCD_CLIENT_CERT = "etcd-client.crt";
  private static final String ETCD_CLIENT_KEY = "etcd-client.key";
  private static final String SA_KEY = "sa.key";
  private static final String SA_PUB = "sa.pub";
  private static final Logger LOG = LoggerFactory.getLogger(LocalPki.class);

  private final Path dir;
  private final CertificateAuthority ca;
  private final IssuedCert server;
  private final IssuedCert admin;
  private final IssuedCert peer;
  private final IssuedCert etcdClient;
  private final KeyPair serviceAccountKey;

  private LocalPki(Path dir, CertificateAuthority ca, IssuedCert server, IssuedCert admin,
      IssuedCert peer, IssuedCert etcdClient, KeyPair serviceAccountKey) {
    this.dir = dir;
    this.ca = ca;
    this.server = server;
    this.admin = admin;
    this.peer = peer;
    this.etcdClient = etcdClient;
    this.serviceAccountKey = serviceAccountKey;
  }

  /**
   * Makes {@code dir} hold a CA, a server and an admin certificate, creating or reissuing only
   * what is missing or no longer good (see the class comment), and returns them loaded.
   *
   * @param dnsNames DNS SANs the server certificate must have, besides {@link #DEFAULT_DNS_NAMES}
   * @param ipAddresses IP literals it must have, besides {@link #DEFAULT_IP_ADDRESSES}
   * @throws IllegalArgumentException if an IP address is not a literal, or the CA files are bad
   * @throws NoSuchFileException if only one of {@code ca.crt} and {@code ca.key} exists
   */
  public static LocalPki ensure(Path dir, List<String> dnsNames, List<String> ipAddresses)
      throws IOException {
    return ensure(dir, dnsNames, ipAddresses, Clock.systemUTC());
  }

  /** As {@link #ensure(Path, List, List)}, with {@code clock} for expiry and issuing. */
  public static LocalPki ensure(Path dir, List<String> dnsNames, List<String> ipAddresses,
      Clock clock) throws IOException {
    Set<String> dns = new LinkedHashSet<>(dnsNames);
    dns.addAll(DEFAULT_DNS_NAMES);
    Set<String> ips = new LinkedHashSet<>(ipAddresses);
    ips.addAll(DEFAULT_IP_ADDRESSES);
    for (String ip : ips) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
    }
    Files.createDirectories(dir);
    CertificateAuthority ca = ensureCa(dir, clock);
    Instant renewAfter = clock.instant().plus(RENEW_BEFORE);

    IssuedCert server = ensureServing(ca, dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY), dns,
        ips, renewAfter, false);
    IssuedCert admin = existing(dir.resolve(ADMIN_CERT), dir.resolve(ADMIN_KEY), ca, renewAfter)
        .orElse(null);
    if (admin == null) {
      admin = ca.issueClient(ADMIN_NAME, List.of(ADMIN_GROUP), LEAF_VALIDITY);
      admin.write(dir.resolve(ADMIN_CERT), dir.resolve(ADMIN_KEY));
      LOG.info("issued admin client certificate {}", dir.resolve(ADMIN_CERT));
    }
    IssuedCert peer = ensureServing(ca, dir.resolve(PEER_CERT), dir.resolve(PEER_KEY), dns, ips,
        renewAfter, true);
    IssuedCert etcdClient = existing(dir.resolve(ETCD_CLIENT_CERT), dir.resolve(ETCD_CLIENT_KEY),
        ca, renewAfter).orElse(null);
    if (etcdClient == null) {
      etcdClient = ca.issueClient(ETCD_CLIENT_NAME, List.of(), LEAF_VALIDITY);
      etcdClient.write(dir.resolve(ETCD_CLIENT_CERT), dir.resolve(ETCD_CLIENT_KEY));
      LOG.info("issued etcd client certificate {}", dir.resolve(ETCD_CLIENT_CERT));
    }
    return new LocalPki(dir, ca, server, admin, peer, etcdClient, ensureServiceAccountKey(dir));
  }

  /** A serving (or, {@code peer}, serving and client) certificate with at least these SANs. */
  private static IssuedCert ensureServing(CertificateAuthority ca, Path crt, Path key,
      Set<String> dns, Set<String> ips, Instant renewAfter, boolean peer) throws IOException {
    IssuedCert c = existing(crt, key, ca, renewAfter)
        .filter(x -> covers(crt, x.certificate(), dns, ips))
        .orElse(null);
    if (c == null) {
      c = peer ? ca.issuePeer(PEER_NAME, List.copyOf(dns), List.copyOf(ips), LEAF_VALIDITY)
          : ca.issueServer(SERVER_NAME, List.copyOf(dns), List.copyOf(ips), LEAF_VALIDITY);
      Files.createDirectories(crt.getParent());
      c.write(crt, key);
      LOG.info("issued {} certificate {} with DNS {} and IPs {}", peer ? "peer" : "server", crt,
          dns, ips);
    }
    return c;
  }

  /**
   * One master's own serving and peer certificates, in {@code dir/<name>/server.crt} and
   * {@code peer.crt} (with their keys), whose SANs are the defaults, {@code sharedDns} and
   * {@code sharedIps} (a load balancer's, say), and {@code addresses}, this master's own (IP
   * literals or DNS names). A master started with {@code --id <name>} uses them instead of the
   * cluster-wide {@code server.crt} and {@code peer.crt}. Idempotent as {@link #ensure}.
   */
  public void ensureMaster(String name, List<String> sharedDns, List<String> sharedIps,
      List<String> addresses) throws IOException {
    if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
      throw new IllegalArgumentException("not a master name: " + name);
    }
    Set<String> dns = new LinkedHashSet<>(sharedDns);
    dns.addAll(DEFAULT_DNS_NAMES);
    Set<String> ips = new LinkedHashSet<>(sharedIps);
    ips.addAll(DEFAULT_IP_ADDRESSES);
    for (String a : addresses) {
      (IPAddress.isValid(a) ? ips : dns).add(a);
    }
    Instant renewAfter = Clock.systemUTC().instant().plus(RENEW_BEFORE);
    Path own = dir.resolve(name);
    ensureServing(ca, own.resolve(SERVER_CERT), own.resolve(SERVER_KEY), dns, ips, renewAfter,
        false);
    ensureServing(ca, own.resolve(PEER_CERT), own.resolve(PEER_KEY), dns, ips, renewAfter, true);
  }

  /**
   * The serving or peer certificate file ({@code server.crt}, {@code peer.crt}, or their keys)
   * master {@code name} should use: its own in {@code dir/<name>/} if there is one, else the
   * cluster-wide one.
   */
  public static Path forMaster(Path dir, String name, String file) {
    Path own = dir.resolve(name).resolve(file);
    return Files.exists(own) ? own : dir.resolve(file);
  }

  /**
   * The service-account signing pair, created when neither file exists. As with the CA, one file
   * without the other is an error: a new pair would invalidate every token already issued.
   */
  private static KeyPair ensureServiceAccountKey(Path dir) throws IOException {
    Path key = dir.resolve(SA_KEY);
    Path pub = dir.resolve(SA_PUB);
    boolean hasKey = Files.exists(key);
    boolean hasPub = Files.exists(pub);
    if (hasKey && hasPub) {
      return readServiceAccountKey(dir);
    }
    if (hasKey || hasPub) {
      throw new NoSuchFileException((hasKey ? pub : key).toString(), null,
          "the service-account key pair is incomplete: restore it, or remove " + (hasKey ? key
              : pub) + " to create a new pair (which invalidates every token of the old one)");
    }
    KeyPair pair = Keys.newEcP256();
    SecureFiles.writePrivate(key, Pem.encode(pair.getPrivate()));
    SecureFiles.writePublic(pub, Pem.encode(pair.getPublic()));
    LOG.info("created service-account signing key {}", key);
    return pair;
  }

  /** Reads {@code sa.key} and {@code sa.pub} from {@code dir}, checking that they match. */
  public static KeyPair readServiceAccountKey(Path dir) throws IOException {
    Path key = dir.resolve(SA_KEY);
    KeyPair pair = new KeyPair(Pem.readPublicKey(dir.resolve(SA_PUB)), Pem.readPrivateKey(key));
    if (!Keys.matches(pair.getPrivate(), pair.getPublic())) {
      throw new IllegalArgumentException(key + " and " + dir.resolve(SA_PUB) + " do not match");
    }
    return pair;
  }

  private static CertificateAuthority ensureCa(Path dir, Clock clock) throws IOException {
    Path crt = dir.resolve(CA_CERT);
    Path key = dir.resolve(CA_KEY);
    boolean hasCrt = Files.exists(crt);
    boolean hasKey = Files.exists(key);
    if (hasCrt && hasKey) {
      CertificateAuthority ca = CertificateAuthority.load(crt, key, clock);
      if (ca.certificate().getNotAfter().toInstant().isBefore(clock.instant())) {
        LOG.warn("CA {} expired on {}; remove ca.crt and ca.key to create a new one", crt,
            ca.certificate().getNotAfter().toInstant());
      }
      return ca;
    }
    if (hasCrt || hasKey) {
      Path missing = hasCrt ? key : crt;
      throw new NoSuchFileException(missing.toString(), null,
          "the CA is incomplete: restore it, or remove " + (hasCrt ? crt : key)
              + " to create a new CA (which invalidates every certificate of the old one)");
    }
    CertificateAuthority ca = CertificateAuthority.create(CA_NAME, CA_VALIDITY, clock);
    ca.write(crt, key);
    LOG.info("created CA {} in {}", ca, crt);
    return ca;
  }

  /** The certificate in the two files if it is still good, else empty (with the reason logged). */
  private static Optional<IssuedCert> existing(Path crt, Path key, CertificateAuthority ca,
      Instant renewAfter) throws IOException {
    if (!Files.exists(crt) || !Files.exists(key)) {
      return Optional.empty();
    }
    IssuedCert issued;
    try {
      issued = IssuedCert.read(crt, key);
    } catch (IllegalArgumentException e) {
      LOG.warn("reissuing {}: {}", crt, e.getMessage());
      return Optional.empty();
    }
    if (!ca.signed(issued.certificate())) {
      LOG.info("reissuing {}: not signed by the CA in {}", crt, crt.resolveSibling(CA_CERT));
      return Optional.empty();
    }
    if (issued.certificate().getNotAfter().toInstant().isBefore(renewAfter)) {
      LOG.info("reissuing {}: it expires on {}", crt, issued.certificate().getNotAfter());
      return Optional.empty();
    }
    return Optional.of(issued);
  }

  private static boolean covers(Path file, X509Certificate cert, Set<String> dns,
      Set<String> ips) {
    List<String> haveDns = new ArrayList<>();
    List<byte[]> haveIps = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
        int type = (Integer) san.get(0);
        if (type == 2) {
          haveDns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
        } else if (type == 7) {
          haveIps.add(address((String) san.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      LOG.warn("reissuing {}: unreadable subjectAltName: {}", file, e.getMessage());
      return false;
    }
    List<String> missing = new ArrayList<>();
    for (String name : dns) {
      if (!haveDns.contains(name.toLowerCase(Locale.ROOT))) {
        missing.add(name);
      }
    }
    for (String ip : ips) {
      byte[] wanted = address(ip);
      if (haveIps.stream().noneMatch(have -> Arrays.equals(have, wanted))) {
        missing.add(ip);
      }
    }
    if (!missing.isEmpty()) {
      LOG.info("reissuing {}: it lacks the SANs {}", file, missing);
    }
    return missing.isEmpty();
  }

  /** The bytes of an IP literal; never a DNS lookup, as callers pass only literals. */
  private static byte[] address(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (IOException e) {
      throw new IllegalArgumentException("not an IP address literal: " + literal, e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path caCertFile() {
    return dir.resolve(CA_CERT);
  }

  public Path caKeyFile() {
    return dir.resolve(CA_KEY);
  }

  public Path serverCertFile() {
    return dir.resolve(SERVER_CERT);
  }

  public Path serverKeyFile() {
    return dir.resolve(SERVER_KEY);
  }

  public Path adminCertFile() {
    return dir.resolve(ADMIN_CERT);
  }

  public Path adminKeyFile() {
    return dir.resolve(ADMIN_KEY);
  }

  /** The CA, loaded or created; it can issue further certificates. */
  public CertificateAuthority ca() {
    return ca;
  }

  /** The apiserver's certificate and key. */
  public IssuedCert server() {
    return server;
  }

  public Path peerCertFile() {
    return dir.resolve(PEER_CERT);
  }

  public Path peerKeyFile() {
    return dir.resolve(PEER_KEY);
  }

  public Path etcdClientCertFile() {
    return dir.resolve(ETCD_CLIENT_CERT);
  }

  public Path etcdClientKeyFile() {
    return dir.resolve(ETCD_CLIENT_KEY);
  }

  /** The certificate masters present to each other on Raft traffic. */
  public IssuedCert peer() {
    return peer;
  }

  /** The client certificate for the etcd API (etcdctl). */
  public IssuedCert etcdClient() {
    return etcdClient;
  }

  /** The pair that signs and verifies service-account tokens. */
  public KeyPair serviceAccountKey() {
    return serviceAccountKey;
  }

  /** The admin client certificate ({@code system:masters}) and key. */
  public IssuedCert admin() {
    return admin;
  }
}
