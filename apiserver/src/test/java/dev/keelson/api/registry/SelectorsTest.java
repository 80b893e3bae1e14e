package dev.keelson.api.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label and field selectors: which objects match, and what is refused. */
@Timeout(10)
class SelectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResourceType PODS = ResourceTypes.builtIns().stream()
      .filter(t -> t.resource().equals("pods")).findFirst().orElseThrow();

  private static ObjectNode pod(String labelsJson, String phase) throws Exception {
    return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\","
        + "\"labels\":" + labelsJson + "},\"status\":{\"phase\":\"" + phase + "\"}}");
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "app=web              | {\"app\":\"web\"}               | true",
      "app==web             | {\"app\":\"web\"}               | true",
      "app!=web             | {\"app\":\"web\"}               | false",
      "app!=web             | {}                              | true",
      "app in (web,db)      | {\"app\":\"db\"}                | true",
      "app notin (web,db)   | {\"app\":\"db\"}                | false",
      "app notin (web,db)   | {}                              | true",
      "app                  | {\"app\":\"x\"}                 | true",
      "!app                 | {\"app\":\"x\"}                 | false",
      "app=web,tier=front   | {\"app\":\"web\"}               | false",
      "app=web,tier=front   | {\"app\":\"web\",\"tier\":\"front\"} | true",
      "n>3                  | {\"n\":\"4\"}                   | true",
      "n<3                  | {\"n\":\"4\"}                   | false",
      "example.com/role=x   | {\"example.com/role\":\"x\"}    | true"})
  void labelSelectorsMatchAsKubernetes(String selector, String labels, boolean matches)
      throws Exception {
    ObjectNode pod = pod(labels, "Running");
    assertThat(Selectors.labels(selector).test(pod)).isEqualTo(matches);
    assertThat(Selectors.labels(selector).test(Selectors.selectableView(pod)))
        .as("on what the watch cache keeps").isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"a b c", "app in web", "n>x", "bad key!=1", "=x"})
  void malformedLabelSelectorsAreRefused(String selector) {
    assertThatThrownBy(() -> Selectors.labels(selector))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "metadata.name=p                          | true",
      "metadata.namespace!=ns                   | false",
      "status.phase=Running,metadata.name==p    | true",
      "status.phase=Pending                     | false"})
  void fieldSelectorsMatch(String selector, boolean matches) throws Exception {
    ObjectNode pod = pod("{}", "Running");
    assertThat(Selectors.fields(PODS, selector).test(pod)).isEqualTo(matches);
    assertThat(Selectors.fields(PODS, selector).test(Selectors.selectableView(pod)))
        .as("on what the watch cache keeps").isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource({"spec.foo=1", "status.podIP"})
  void unsupportedOrMalformedFieldSelectorsAreRefused(String selector) {
    assertThatThrownBy(() -> Selectors.fields(PODS, selector))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(delimiter = '|', value = {
      "events | involvedObject.kind=Pod,involvedObject.name=p,type=Warning | true",
      "events | involvedObject.kind=Node                                  | false",
      "events | reason=BackOff,source=                                    | true",
      "pods   | spec.nodeName=n1,status.podIP=10.0.0.1                    | true",
      "pods   | spec.nodeName=n2                                          | false",
      "pods   | spec.hostNetwork=false,spec.schedulerName=                | true"})
  void theCachedViewAnswersAsTheWholeObject(String resource, String selector, boolean matches)
      throws Exception {
    ResourceType t = ResourceTypes.builtIns().stream()
        .filter(x -> x.resource().equals(resource)).findFirst().orElseThrow();
    ObjectNode o = (ObjectNode) JSON.readTree(resource.equals("events")
        ? "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\"},\"type\":\"Warning\","
            + "\"reason\":\"BackOff\",\"message\":\"long text\",\"involvedObject\":"
            + "{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\"ns\"}}"
        : "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"annotations\":{\"a\":\"b\"}},"
            + "\"spec\":{\"nodeName\":\"n1\",\"hostNetwork\":false,\"containers\":[{\"name\":"
            + "\"c\",\"image\":\"i\"}]},\"status\":{\"podIP\":\"10.0.0.1\"}}");
    ObjectNode view = Selectors.selectableView(o);

    assertThat(Selectors.fields(t, selector).test(o)).isEqualTo(matches);
    assertThat(Selectors.fields(t, selector).test(view)).isEqualTo(matches);
    assertThat(view.path("spec").has("containers")).isFalse();
    assertThat(view.has("message")).isFalse();
    assertThat(view.path("metadata").has("annotations")).isFalse();
  }

  @org.junit.jupiter.api.Test
  void validationNamesProblemsInKubernetesWords() {
    ResourceType ns = ResourceTypes.builtIns().get(0);
    assertThat(Validation.nameProblems(ns, "Bad_Name")).singleElement().asString()
        .startsWith("a lowercase RFC 1123 label must consist of");
    assertThat(Validation.nameProblems(PODS, "a.b-c")).isEmpty();
    assertThat(Validation.nameProblems(ns, "a.b")).hasSize(1);
    assertThat(Validation.nameProblems(PODS, "x".repeat(254))).contains(
        "must be no more than 253 characters");
  }
}
