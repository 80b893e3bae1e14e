package dev.keelson.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keelson.auth.authn.UserInfo;
import dev.keelson.auth.authz.Attributes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Manifests from test resources, users, and request attributes for the RBAC tests. */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());

  private Fixtures() {
  }

  /** Every document of a multi-document YAML resource, as JSON trees. */
  static List<JsonNode> manifests(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      List<JsonNode> docs = new ArrayList<>();
      YAML.readerFor(JsonNode.class).readValues(in).forEachRemaining(n -> {
        if (n != null && !((JsonNode) n).isEmpty()) {
          docs.add((JsonNode) n);
        }
      });
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode jsonOf(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture policy plus the bootstrap policy, as objects. */
  static List<RbacObject> fixtureObjects() {
    List<RbacObject> all = new ArrayList<>(BootstrapPolicy.objects());
    for (JsonNode n : manifests("/rbac/fixture.yaml")) {
      all.add(RbacJson.parse(n));
    }
    return all;
  }

  /** An authenticated user in these groups (plus system:authenticated). */
  static UserInfo user(String name, String... groups) {
    List<String> g = new ArrayList<>(List.of(groups));
    g.add("system:authenticated");
    return new UserInfo(name, "", g, Map.of());
  }

  /** Service account {@code ns/name} with the groups Kubernetes gives it. */
  static UserInfo serviceAccount(String ns, String name) {
    return new UserInfo(Subject.serviceAccountUser(ns, name), "",
        List.of("system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"),
        Map.of());
  }

  static Attributes res(UserInfo u, String verb, String group, String resource, String ns) {
    return Attributes.resource(u, verb, group, "v1", resource, "", ns, "");
  }

  static Attributes named(UserInfo u, String verb, String group, String resource, String ns,
      String name) {
    return Attributes.resource(u, verb, group, "v1", resource, "", ns, name);
  }

  static Attributes sub(UserInfo u, String verb, String group, String resource,
      String subresource, String ns, String name) {
    return Attributes.resource(u, verb, group, "v1", resource, subresource, ns, name);
  }

  static Attributes url(UserInfo u, String verb, String path) {
    return Attributes.nonResource(u, verb, path);
  }
}
