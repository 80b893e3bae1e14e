package dev.keelson.auth.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A kubeconfig file for {@code kubectl} and client libraries: one cluster, one user
 * authenticating with a client certificate, and one context joining them that is also the
 * current context.
 */
public final class Kubeconfig {
  private Kubeconfig() {}

  /**
   * The kubeconfig YAML. The cluster and the context are both named {@code clusterName}; the
   * three PEM texts are embedded base64-encoded ({@code certificate-authority-data},
   * {@code client-certificate-data}, {@code client-key-data}), so the file stands alone.
   *
   * @param serverUrl the apiserver's URL, for example {@code https://127.0.0.1:6443}
   */
  public static String render(String clusterName, String serverUrl, String caPem,
      String userName, String clientCertPem, String clientKeyPem) {
    String cluster = quote(clusterName);
    String user = quote(userName);
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: " + cluster + "\n"
        + "  cluster:\n"
        + "    server: " + quote(serverUrl) + "\n"
        + "    certificate-authority-data: " + base64(caPem) + "\n"
        + "users:\n"
        + "- name: " + user + "\n"
        + "  user:\n"
        + "    client-certificate-data: " + base64(clientCertPem) + "\n"
        + "    client-key-data: " + base64(clientKeyPem) + "\n"
        + "contexts:\n"
        + "- name: " + cluster + "\n"
        + "  context:\n"
        + "    cluster: " + cluster + "\n"
        + "    user: " + user + "\n"
        + "current-context: " + cluster + "\n"
        + "preferences: {}\n";
  }

  /** Writes {@code yaml} to {@code file} atomically, mode 0600 where POSIX: it holds a key. */
  public static void write(Path file, String yaml) throws IOException {
    SecureFiles.writePrivate(file, yaml);
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }

  /** A YAML double-quoted scalar, so no name or URL can change the document's structure. */
  private static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
        // control characters, and the C1 and Unicode line breaks YAML would fold
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
