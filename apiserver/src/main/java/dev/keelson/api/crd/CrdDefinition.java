package dev.keelson.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.api.registry.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stored CustomResourceDefinition says about the types it defines: the names, the scope
 * and, per version, whether it is served, its schema and its subresources. Every version of
 * one definition shares the store prefix {@code /registry/<group>/<plural>/}.
 */
public record CrdDefinition(String name, String group, Names names, boolean namespaced,
    List<Version> versions, boolean terminating) {
  /** {@code spec.names}, with Kubernetes' defaults for singular and listKind. */
  public record Names(String plural, String singular, String kind, String listKind,
      List<String> shortNames, List<String> categories) {
    public Names {
      shortNames = List.copyOf(shortNames);
      categories = List.copyOf(categories);
    }
  }

  /** One entry of {@code spec.versions}; {@code scale} null without a scale subresource. */
  public record Version(String name, boolean served, boolean storage, JsonNode schema,
      boolean status, ResourceType.Scale scale) {}

  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  public CrdDefinition {
    versions = List.copyOf(versions);
  }

  /** Reads a stored definition; empty when it lacks what a type needs (group, names, versions). */
  public static Optional<CrdDefinition> parse(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode n = spec.path("names");
    String group = spec.path("group").asText("");
    String plural = n.path("plural").asText("");
    String kind = n.path("kind").asText("");
    if (group.isEmpty() || plural.isEmpty() || kind.isEmpty()) {
      return Optional.empty();
    }
    Names names = new Names(plural, n.path("singular").asText(kind.toLowerCase()),
        kind, n.path("listKind").asText(kind + "List"), strings(n.path("shortNames")),
        strings(n.path("categories")));
    List<Version> versions = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      String name = v.path("name").asText("");
      if (name.isEmpty()) {
        continue;
      }
      JsonNode sub = v.path("subresources");
      JsonNode scale = sub.path("scale");
      ResourceType.Scale s = scale.isObject() ? new ResourceType.Scale(
          scale.path("specReplicasPath").asText(".spec.replicas"),
          scale.path("statusReplicasPath").asText(".status.replicas"),
          scale.path("labelSelectorPath").asText(null)) : null;
      versions.add(new Version(name, v.path("served").asBoolean(false),
          v.path("storage").asBoolean(false), v.path("schema").path("openAPIV3Schema"),
          sub.path("status").isObject(), s));
    }
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CrdDefinition(crd.path("metadata").path("name").asText(""), group,
        names, "Namespaced".equals(spec.path("scope").asText()), versions,
        crd.path("metadata").has("deletionTimestamp")));
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(s -> out.add(s.asText()));
    return out;
  }

  /** The type of one version (served or not). */
  public ResourceType type(Version v) {
    return new ResourceType(group, v.name(), names.plural(), names.kind(), names.singular(),
        namespaced, names.shortNames(), names.categories(), v.status(), v.scale());
  }

  /** The served versions, most preferred first (as Kubernetes orders versions). */
  public List<Version> served() {
    return versions.stream().filter(Version::served).sorted(BY_PRIORITY).toList();
  }

  /** The version objects are stored as (the first one, if none says so). */
  public Version storage() {
    return versions.stream().filter(Version::storage).findFirst().orElse(versions.get(0));
  }

  /**
   * Kubernetes' version priority: GA before beta before alpha, higher numbers first within
   * each; versions that do not look like {@code v1}, {@code v2beta1} come last, by name.
   */
  static final Comparator<Version> BY_PRIORITY = Comparator.comparing(Version::name,
      CrdDefinition::compareVersions);

  static int compareVersions(String a, String b) {
    Matcher ma = KUBE_VERSION.matcher(a);
    Matcher mb = KUBE_VERSION.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka == kb ? a.compareTo(b) : ka ? -1 : 1;
    }
    int sa = stability(ma.group(2));
    int sb = stability(mb.group(2));
    if (sa != sb) {
      return Integer.compare(sb, sa);
    }
    int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (major != 0 || ma.group(3) == null) {
      return major;
    }
    return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int stability(String s) {
    return s == null ? 2 : s.equals("beta") ? 1 : 0;
  }
}
