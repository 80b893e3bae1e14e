package dev.keelson.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.cel.AdmissionCel;
import dev.keelson.admission.policy.ValidatingPolicies;
import dev.keelson.admission.webhook.Webhooks;
import dev.keelson.auth.authn.UserInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the admission chain adds to one write, with no webhooks: the standard chain of a master
 * (LimitRanger, ServiceAccount, NamespaceLifecycle, PodSecurity, ValidatingAdmissionPolicy,
 * webhooks, ResourceQuota) admitting a create, mutating and validating steps both, against
 * {@code emptyChain} (the same request through a chain with no plugins: what is left is the
 * request's own copying). The objects the plugins read come from a reader that keeps each as
 * JSON bytes and decodes it on every read, as the watch cache does.
 *
 * <p>{@code namespace}: {@code plain} has a namespace and its default service account only;
 * {@code policed} adds what the plugins then work on: a LimitRange with defaults, a
 * ResourceQuota on pods and requests.cpu, {@code pod-security enforce=baseline}, and a
 * ValidatingAdmissionPolicy ({@code object.spec.replicas <= 5}) bound to deployments.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AdmissionChainBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final UserInfo USER = new UserInfo("dev", "u1",
      List.of("system:authenticated"), Map.of());

  @Param({"plain", "policed"})
  public String namespace;

  private AdmissionChain chain;
  private final AdmissionChain empty = AdmissionChain.empty();
  private ObjectNode configMap;
  private ObjectNode pod;
  private ObjectNode deployment;

  /** Objects held as JSON and decoded on each read, as the watch cache serves them. */
  static final class BytesReader implements ObjectReader {
    private final Map<String, byte[]> objects = new TreeMap<>();

    void put(String group, String resource, String ns, String name, String json) {
      objects.put(group + "/" + resource + "/" + ns + "/" + name,
          json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public Optional<ObjectNode> get(String group, String resource, String ns, String name) {
      byte[] b = objects.get(group + "/" + resource + "/" + ns + "/" + name);
      return b == null ? Optional.empty() : Optional.of(decode(b));
    }

    @Override
    public List<ObjectNode> list(String group, String resource, String ns) {
      String prefix = group + "/" + resource + "/" + (ns == null ? "" : ns + "/");
      List<ObjectNode> out = new ArrayList<>();
      objects.forEach((k, v) -> {
        if (k.startsWith(prefix)) {
          out.add(decode(v));
        }
      });
      return out;
    }

    private static ObjectNode decode(byte[] b) {
      try {
        return (ObjectNode) JSON.readTree(b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Setup
  public void setUp() throws IOException {
    BytesReader reader = new BytesReader();
    boolean policed = namespace.equals("policed");
    reader.put("", "namespaces", "", "bench", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"name\":\"bench\",\"uid\":\"1\",\"labels\":{"
        + "\"kubernetes.io/metadata.name\":\"bench\""
        + (policed ? ",\"pod-security.kubernetes.io/enforce\":\"baseline\"" : "") + "}},"
        + "\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
    reader.put("", "serviceaccounts", "bench", "default", "{\"apiVersion\":\"v1\",\"kind\":"
        + "\"ServiceAccount\",\"metadata\":{\"name\":\"default\",\"namespace\":\"bench\","
        + "\"uid\":\"2\"}}");
    AdmissionCel cel = new AdmissionCel();
    ValidatingPolicies policies = new ValidatingPolicies(reader, (apiVersion, kind) ->
        Optional.empty(), cel);
    Webhooks webhooks = new Webhooks("bench", reader, cel);
    webhooks.update(List.of(), List.of());
    if (policed) {
      reader.put("", "limitranges", "bench", "lr", "{\"metadata\":{\"name\":\"lr\","
          + "\"namespace\":\"bench\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
          + "\"default\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"defaultRequest\":{"
          + "\"cpu\":\"100m\"},\"max\":{\"cpu\":\"2\"}}]}}");
      reader.put("", "resourcequotas", "bench", "q", "{\"metadata\":{\"name\":\"q\","
          + "\"namespace\":\"bench\",\"resourceVersion\":\"7\"},\"spec\":{\"hard\":{"
          + "\"pods\":\"1000000\",\"requests.cpu\":\"100000\"}},\"status\":{\"hard\":{"
          + "\"pods\":\"1000000\",\"requests.cpu\":\"100000\"},\"used\":{\"pods\":\"5\","
          + "\"requests.cpu\":\"500m\"}}}");
      policies.update(List.of(json("{\"metadata\":{\"name\":\"max-replicas\"},\"spec\":{"
          + "\"matchConstraints\":{\"resourceRules\":[{\"apiGroups\":[\"apps\"],"
          + "\"apiVersions\":[\"v1\"],\"operations\":[\"CREATE\",\"UPDATE\"],\"resources\":"
          + "[\"deployments\"]}]},\"validations\":[{\"expression\":"
          + "\"object.spec.replicas <= 5\"}]}}")),
          List.of(json("{\"metadata\":{\"name\":\"max-replicas\"},\"spec\":{\"policyName\":"
              + "\"max-replicas\",\"validationActions\":[\"Deny\"]}}")));
    } else {
      policies.update(List.of(), List.of());
    }
    chain = StandardChain.of(reader, policies, webhooks);
    configMap = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
        + "\"c\",\"namespace\":\"bench\",\"labels\":{\"app\":\"web\"}},\"data\":{\"k\":\""
        + "x".repeat(1000) + "\"}}");
    pod = json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
        + "\"namespace\":\"bench\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{"
        + "\"name\":\"web\",\"image\":\"nginx:1.27\",\"ports\":[{\"containerPort\":80}],"
        + "\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}],\"restartPolicy\":\"Always\"}}");
    deployment = json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{"
        + "\"name\":\"d\",\"namespace\":\"bench\"},\"spec\":{\"replicas\":3,\"selector\":{"
        + "\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":"
        + "\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}}}");
    // the request must pass: a refusal would measure the error path
    admit(chain, "", "v1", "Pod", "pods", pod);
    admit(chain, "apps", "v1", "Deployment", "deployments", deployment);
  }

  private static ObjectNode json(String s) throws IOException {
    return (ObjectNode) JSON.readTree(s);
  }

  private static AdmissionRequest admit(AdmissionChain c, String group, String version,
      String kind, String resource, ObjectNode template) {
    ObjectNode obj = template.deepCopy();
    AdmissionRequest r = new AdmissionRequest(Operation.CREATE, group, version, kind, resource,
        "", "bench", obj.path("metadata").path("name").asText(), obj, null, USER, false);
    c.mutate(r);
    c.validate(r);
    return r;
  }

  @Benchmark
  public AdmissionRequest configMapCreate() {
    return admit(chain, "", "v1", "ConfigMap", "configmaps", configMap);
  }

  @Benchmark
  public AdmissionRequest podCreate() {
    return admit(chain, "", "v1", "Pod", "pods", pod);
  }

  @Benchmark
  public AdmissionRequest deploymentCreate() {
    return admit(chain, "apps", "v1", "Deployment", "deployments", deployment);
  }

  @Benchmark
  public AdmissionRequest emptyChainPodCreate() {
    return admit(empty, "", "v1", "Pod", "pods", pod);
  }
}
