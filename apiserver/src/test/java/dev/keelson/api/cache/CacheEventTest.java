package dev.keelson.api.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CacheEventTest {
  /** What the cache keeps for filters in the server (Selectors#selectableView), in short. */
  private static final UnaryOperator<ObjectNode> SELECTABLE = o -> {
    ObjectNode v = o.objectNode();
    v.putObject("metadata").set("name", o.path("metadata").path("name"));
    return v;
  };
  private final ObjectMapper json = new ObjectMapper();

  private CachedObject cm(String name, String value, long rev) {
    ObjectNode o = json.createObjectNode().put("kind", "ConfigMap").put("apiVersion", "v1");
    o.putObject("metadata").put("name", name).put("resourceVersion", Long.toString(rev));
    o.putObject("data").put("k", value);
    return CachedObject.of("/registry/configmaps/ns/" + name, o, rev, json,
        SELECTABLE);
  }

  @Test
  void theObjectIsDecodedFromItsJsonAfreshEachTime() throws Exception {
    CachedObject c = cm("a", "quote \" and \u00e9", 7);

    ObjectNode first = c.object();
    first.put("changed", true);

    assertThat(c.object()).isNotSameAs(first).isNotEqualTo(first);
    assertThat(c.object().path("data").path("k").asText()).isEqualTo("quote \" and \u00e9");
    assertThat(json.readTree(c.json())).isEqualTo(c.object());
    assertThat(c.selectable().path("metadata").path("name").asText()).isEqualTo("a");
    assertThat(c.selectable().has("data")).as("only what filters read").isFalse();
  }

  @Test
  void theWatchLineIsTheTypeAndTheObjectsOwnJson() throws Exception {
    CachedObject before = cm("a", "1", 7);
    CachedObject after = cm("a", "2", 9);
    CacheEvent e = new CacheEvent(CacheEvent.Type.MODIFIED, after, before);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    e.writeLine(out);
    e.writeLine(out);

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[2]).isEmpty();
    JsonNode line = json.readTree(lines[0]);
    assertThat(line.path("type").asText()).isEqualTo("MODIFIED");
    assertThat(line.path("object")).isEqualTo(after.object());
    assertThat(lines[1]).isEqualTo(lines[0]);
    assertThat(e.revision()).isEqualTo(9);
    assertThat(e.key()).isEqualTo("/registry/configmaps/ns/a");
    assertThat(e.previous()).isEqualTo(before.object());
  }

  @Test
  void aCreateHasNoPreviousObject() throws Exception {
    CacheEvent e = new CacheEvent(CacheEvent.Type.ADDED, cm("b", "1", 3), null);

    assertThat(e.previous()).isNull();
    assertThat(e.cachedPrevious()).isNull();
  }
}
