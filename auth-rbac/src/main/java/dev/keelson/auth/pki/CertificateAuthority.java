package dev.keelson.auth.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A certificate authority that issues server and client certificates for the cluster.
 *
 * <p>Every certificate made here has an EC P-256 key, a random positive 128-bit serial, a
 * subject key identifier, and a validity that starts {@link #BACKDATE} before now (so a peer
 * whose clock is a little behind still accepts it) and ends {@code validity} after now, but never
 * after the CA's own end. Issued certificates also carry the CA's key identifier as authority key
 * identifier and are signed with SHA-256 (ECDSA, or RSA for a loaded RSA CA).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class CertificateAuthority {
  /** How far before "now" every certificate's validity starts. */
  public static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /** A new self-signed CA named {@code CN=commonName}, valid for {@code validity} from now. */
  public static CertificateAuthority create(String commonName, Duration validity) {
    return create(commonName, validity, Clock.systemUTC());
  }

  /**
   * As {@link #create(String, Duration)}, with {@code clock} for "now" here and in every
   * certificate the CA issues later.
   */
  public static CertificateAuthority create(String commonName, Duration validity, Clock clock) {
    requireName(commonName);
    requirePositive(validity);
    KeyPair keys = Keys.newEcP256();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    Instant now = clock.instant();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, newSerial(),
        Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), name, keys.getPublic());
    try {
      JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          ids.createSubjectKeyIdentifier(keys.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException("cannot add CA extensions", e);
    }
    return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate(), clock);
  }

  /** Loads a CA written by {@link #write} (or any CA certificate and its key in PEM). */
  public static CertificateAuthority load(Path certPem, Path keyPem) throws IOException {
    return load(certPem, keyPem, Clock.systemUTC());
  }

  /**
   * As {@link #load(Path, Path)}, issuing with {@code clock}.
   *
   * @throws IllegalArgumentException if a file is malformed, the certificate is not a CA's, or
   *     the key is not the certificate's
   */
  public static CertificateAuthority load(Path certPem, Path keyPem, Clock clock)
      throws IOException {
    IssuedCert loaded = IssuedCert.read(certPem, keyPem);
    if (loaded.certificate().getBasicConstraints() < 0) {
      throw new IllegalArgumentException(certPem + " is not a CA certificate (basicConstraints)");
    }
    Keys.signatureAlgorithm(loaded.key()); // rejects key types this CA cannot sign with
    return new CertificateAuthority(loaded.certificate(), loaded.key(), clock);
  }

  /** Writes the certificate (mode 0644) and the key (mode 0600, where POSIX), each atomically. */
  public void write(Path certPem, Path keyPem) throws IOException {
    new IssuedCert(certificate, key).write(certPem, keyPem);
  }

  /** The CA's self-signed certificate: what peers put in their trust store. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** {@link #certificate()} as a PEM {@code CERTIFICATE} block. */
  public String certificatePem() {
    return Pem.encode(certificate);
  }

  /**
   * A TLS server certificate: extended key usage serverAuth, key usage digitalSignature, subject
   * {@code CN=commonName}, and a subjectAltName with each DNS name and IP address (none if both
   * lists are empty).
   *
   * @param ipAddresses IPv4 or IPv6 literals
   * @throws IllegalArgumentException if an IP address is not a literal
   */
  public IssuedCert issueServer(String commonName, List<String> dnsNames, List<String> ipAddresses,
      Duration validity) {
    return issueWithNames(commonName, dnsNames, ipAddresses, validity,
        KeyPurposeId.id_kp_serverAuth);
  }

  /**
   * A certificate for Raft peers, which are servers and clients of each other (mutual TLS):
   * as {@link #issueServer}, with extended key usages serverAuth and clientAuth.
   */
  public IssuedCert issuePeer(String commonName, List<String> dnsNames, List<String> ipAddresses,
      Duration validity) {
    return issueWithNames(commonName, dnsNames, ipAddresses, validity,
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
  }

  private IssuedCert issueWithNames(String commonName, List<String> dnsNames,
      List<String> ipAddresses, Duration validity, KeyPurposeId... purposes) {
    requireName(commonName);
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      requireName(dns);
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : ipAddresses) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    return issue(subject, validity, names, purposes);
  }

  /**
   * A TLS client certificate: extended key usage clientAuth, key usage digitalSignature, and a
   * subject with one {@code O=} per organization followed by {@code CN=commonName}. Kubernetes
   * takes the user name from the CN and the groups from the O attributes.
   */
  public IssuedCert issueClient(String commonName, List<String> organizations,
      Duration validity) {
    requireName(commonName);
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String organization : organizations) {
      requireName(organization);
      subject.addRDN(BCStyle.O, organization);
    }
    subject.addRDN(BCStyle.CN, commonName);
    return issue(subject.build(), validity, List.of(), KeyPurposeId.id_kp_clientAuth);
  }

  private IssuedCert issue(X500Name subject, Duration validity, List<GeneralName> altNames,
      KeyPurposeId... purposes) {
    requirePositive(validity);
    KeyPair keys = Keys.newEcP256();
    Instant now = clock.instant();
    Instant caEnd = certificate.getNotAfter().toInstant();
    Instant end = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName(), newSerial(),
        Date.from(now.minus(BACKDATE)), Date.from(end), subject, keys.getPublic());
    try {
      JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      if (!altNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(altNames.toArray(GeneralName[]::new)));
      }
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          ids.createSubjectKeyIdentifier(keys.getPublic()));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          ids.createAuthorityKeyIdentifier(certificate));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException("cannot add certificate extensions", e);
    }
    return new IssuedCert(sign(builder, key), keys.getPrivate());
  }

  /** The CA's subject exactly as encoded in its certificate, so issuer and subject bytes match. */
  private X500Name issuerName() {
    try {
      return new JcaX509CertificateHolder(certificate).getSubject();
    } catch (CertificateEncodingException e) {
      throw new PkiException("cannot read the CA subject", e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder(Keys.signatureAlgorithm(signingKey)).build(signingKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new PkiException("cannot sign certificate", e);
    }
  }

  /** A random 128-bit serial whose top bit is set: positive, and never shorter than 16 bytes. */
  private static BigInteger newSerial() {
    return new BigInteger(128, RANDOM).setBit(127);
  }

  private static void requireName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("blank name");
    }
  }

  private static void requirePositive(Duration validity) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive: " + validity);
    }
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + ", serial "
        + certificate.getSerialNumber().toString(16) + "]";
  }

  /** Only for {@link LocalPki}'s checks: whether {@code cert} was signed by this CA. */
  boolean signed(X509Certificate cert) {
    PublicKey caKey = certificate.getPublicKey();
    try {
      cert.verify(caKey);
      return cert.getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  Clock clock() {
    return clock;
  }
}
