package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Test input in YAML, and field sets as lists of printed paths. */
final class Yaml {
  private static final YAMLMapper YAML = new YAMLMapper();

  private Yaml() {}

  static ObjectNode obj(String yaml) {
    try {
      JsonNode n = YAML.readTree(yaml);
      return n == null || n.isMissingNode() || n.isNull() ? Json.MAPPER.createObjectNode()
          : (ObjectNode) n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The members of {@code s}, printed as Kubernetes prints paths. */
  static List<String> paths(FieldSet s) {
    return s.paths().stream().map(FieldPath::toString).toList();
  }

  /** One path per line, blank lines ignored. */
  static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
