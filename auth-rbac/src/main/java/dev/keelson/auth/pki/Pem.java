package dev.keelson.auth.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * PEM text to and from JCA objects. Certificates are written as {@code CERTIFICATE} blocks and
 * private keys as unencrypted PKCS#8 {@code PRIVATE KEY} blocks; reading also accepts the
 * traditional OpenSSL {@code EC PRIVATE KEY} and {@code RSA PRIVATE KEY} blocks. Other blocks
 * (for example the {@code EC PARAMETERS} that {@code openssl ecparam -genkey} puts first) are
 * skipped. Encrypted keys are not supported.
 *
 * <p>Malformed input is an {@link IllegalArgumentException}; the {@link Path} variants add
 * {@link IOException} for the file itself.
 */
public final class Pem {
  private Pem() {}

  /** The certificate as one {@code -----BEGIN CERTIFICATE-----} block. */
  public static String encode(X509Certificate certificate) {
    return write(certificate);
  }

  /**
   * The key as one unencrypted PKCS#8 {@code -----BEGIN PRIVATE KEY-----} block.
   *
   * @throws IllegalArgumentException if the key cannot be exported (a hardware key)
   */
  public static String encode(PrivateKey key) {
    if (key.getEncoded() == null) {
      throw new IllegalArgumentException(key.getAlgorithm() + " private key is not exportable");
    }
    try {
      return write(new JcaPKCS8Generator(key, null));
    } catch (PemGenerationException e) {
      throw new IllegalArgumentException("cannot encode private key as PKCS#8", e);
    }
  }

  /** The key as one {@code -----BEGIN PUBLIC KEY-----} (X.509 SubjectPublicKeyInfo) block. */
  public static String encode(PublicKey key) {
    return write(key);
  }

  /** The first public key in {@code file}. */
  public static PublicKey readPublicKey(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof SubjectPublicKeyInfo info) {
          return new JcaPEMKeyConverter().getPublicKey(info);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": malformed PEM public key: " + e.getMessage(),
          e);
    }
    throw new IllegalArgumentException(file + ": no public key in it");
  }

  /** The first certificate in {@code file}. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    return first(readCertificates(Files.readString(file, StandardCharsets.US_ASCII)), file);
  }

  /**
   * The first certificate in {@code pem}.
   *
   * @throws IllegalArgumentException if the text holds no certificate or is malformed
   */
  public static X509Certificate readCertificate(String pem) {
    return first(readCertificates(pem), "PEM text");
  }

  /** Every certificate in {@code pem}, in order; empty if there is none. */
  public static List<X509Certificate> readCertificates(String pem) {
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder) {
          certificates.add(converter.getCertificate((X509CertificateHolder) o));
        }
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("malformed PEM certificate: " + e.getMessage(), e);
    }
    return List.copyOf(certificates);
  }

  /** The first private key in {@code file}. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try {
      return readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The first private key in {@code pem}: PKCS#8 {@code PRIVATE KEY}, {@code EC PRIVATE KEY} or
   * {@code RSA PRIVATE KEY}.
   *
   * @throws IllegalArgumentException if there is no key, it is encrypted, or it is malformed
   */
  public static PrivateKey readPrivateKey(String pem) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo) {
          return converter.getPrivateKey((PrivateKeyInfo) o);
        }
        if (o instanceof PEMKeyPair) {
          // Traditional OpenSSL form. Its public half is optional, so convert only the private.
          return converter.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException("encrypted private keys are not supported");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed PEM private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no private key in PEM text");
  }

  private static X509Certificate first(List<X509Certificate> certificates, Object source) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + source);
    }
    return certificates.get(0);
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (object instanceof PemObjectGenerator) {
        writer.writeObject((PemObjectGenerator) object);
      } else {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      // A StringWriter does not fail; an encoding error from the object itself would.
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
