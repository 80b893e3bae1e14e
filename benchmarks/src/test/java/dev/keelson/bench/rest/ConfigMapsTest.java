package dev.keelson.bench.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConfigMapsTest {
  @ParameterizedTest
  @ValueSource(ints = {100, 1024, 4096})
  void theBodyIsAConfigMapOfExactlyTheSizeAsked(int size) throws Exception {
    byte[] body = ConfigMaps.body("c-abc-12", size);

    JsonNode cm = new ObjectMapper().readTree(body);
    assertThat(body).hasSize(size);
    assertThat(cm.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(cm.path("metadata").path("name").asText()).isEqualTo("c-abc-12");
    assertThat(cm.path("data").path("v").isTextual()).isTrue();
  }

  @Test
  void aSizeBelowTheSmallestConfigMapGivesTheSmallest() throws Exception {
    byte[] body = ConfigMaps.body("n", 1);

    assertThat(new ObjectMapper().readTree(body).path("data").path("v").asText()).isEmpty();
  }
}
