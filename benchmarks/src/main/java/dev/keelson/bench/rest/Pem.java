package dev.keelson.bench.rest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files with the JDK alone (BouncyCastle is not on the load tool's class path):
 * certificates, and private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), EC or RSA. The
 * "traditional" forms ({@code BEGIN EC PRIVATE KEY}, {@code BEGIN RSA PRIVATE KEY}) and
 * encrypted keys are refused with a message that says so.
 */
final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private Pem() {}

  /** One PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}...) and DER bytes. */
  record Block(String label, byte[] der) {}

  /** Every block of {@code text}, in order. */
  static List<Block> blocks(String text) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return out;
  }

  /** The certificates of {@code file} (a chain may hold several); fails if it has none. */
  static List<X509Certificate> certificates(Path file) throws IOException,
      CertificateException {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (Block b : blocks(read(file))) {
      if (b.label().equals("CERTIFICATE")) {
        out.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(b.der())));
      }
    }
    if (out.isEmpty()) {
      throw new CertificateException("no CERTIFICATE block in " + file);
    }
    return out;
  }

  /** The first private key of {@code file}, which must be unencrypted PKCS#8, EC or RSA. */
  static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    for (Block b : blocks(read(file))) {
      switch (b.label()) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der(), file);
        }
        case "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
            throw new InvalidKeySpecException(file + " holds an " + b.label() + " block; "
                + "convert it to unencrypted PKCS#8: openssl pkcs8 -topk8 -nocrypt -in "
                + file);
        default -> { }
      }
    }
    throw new InvalidKeySpecException("no PRIVATE KEY block in " + file);
  }

  private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException first = null;
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        first = first == null ? e : first;
      }
    }
    throw new InvalidKeySpecException("the PKCS#8 key in " + file + " is neither EC nor RSA",
        first);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
