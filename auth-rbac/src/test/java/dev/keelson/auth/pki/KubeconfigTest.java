package dev.keelson.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KubeconfigTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CertificateAuthority CA =
      CertificateAuthority.create("kubeconfig-ca", Duration.ofDays(1));
  private static final IssuedCert ADMIN =
      CA.issueClient("keelson-admin", List.of("system:masters"), Duration.ofDays(1));

  @Test
  void theRenderedConfigPointsAtTheServerAndEmbedsTheThreePems() throws Exception {
    String yaml = Kubeconfig.render("keelson", "https://127.0.0.1:6443", CA.certificatePem(),
        "keelson-admin", ADMIN.certificatePem(), ADMIN.keyPem());

    JsonNode config = YAML.readTree(yaml);
    assertThat(config.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(config.path("kind").asText()).isEqualTo("Config");
    assertThat(config.path("current-context").asText()).isEqualTo("keelson");

    JsonNode cluster = config.path("clusters").get(0);
    assertThat(cluster.path("name").asText()).isEqualTo("keelson");
    assertThat(cluster.at("/cluster/server").asText()).isEqualTo("https://127.0.0.1:6443");
    assertThat(decode(cluster.at("/cluster/certificate-authority-data")))
        .isEqualTo(CA.certificatePem());

    JsonNode user = config.path("users").get(0);
    assertThat(user.path("name").asText()).isEqualTo("keelson-admin");
    assertThat(decode(user.at("/user/client-certificate-data"))).isEqualTo(ADMIN.certificatePem());
    assertThat(decode(user.at("/user/client-key-data"))).isEqualTo(ADMIN.keyPem());
    assertThat(Pem.readPrivateKey(decode(user.at("/user/client-key-data"))))
        .isEqualTo(ADMIN.key());

    JsonNode context = config.path("contexts").get(0);
    assertThat(config.path("contexts")).hasSize(1);
    assertThat(context.path("name").asText()).isEqualTo("keelson");
    assertThat(context.at("/context/cluster").asText()).isEqualTo("keelson");
    assertThat(context.at("/context/user").asText()).isEqualTo("keelson-admin");
  }

  @Test
  void namesThatLookLikeYamlStayPlainStrings() throws Exception {
    String cluster = "a: \"b\" # c\n- d\\e";
    String yaml = Kubeconfig.render(cluster, "https://h:1/?x=#y", "ca", "user: {x}", "c", "k");

    JsonNode config = YAML.readTree(yaml);
    assertThat(config.path("current-context").asText()).isEqualTo(cluster);
    assertThat(config.path("clusters").get(0).path("name").asText()).isEqualTo(cluster);
    assertThat(config.at("/clusters/0/cluster/server").asText()).isEqualTo("https://h:1/?x=#y");
    assertThat(config.at("/users/0/name").asText()).isEqualTo("user: {x}");
    assertThat(config.at("/contexts/0/context/user").asText()).isEqualTo("user: {x}");
  }

  @Test
  void theWrittenFileIsReadableOnlyByItsOwner(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(".kube/config");
    String yaml = Kubeconfig.render("k", "https://127.0.0.1:6443", "ca", "u", "c", "k");

    Kubeconfig.write(file, yaml);

    assertThat(file).hasContent(yaml);
    Assumptions.assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  private static String decode(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
  }
}
