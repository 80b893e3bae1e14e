package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.api.registry.ApiException;
import dev.keelson.api.registry.Registry;
import dev.keelson.api.registry.ResourceType;
import dev.keelson.api.registry.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ownership through a history of writes to one object: applies (merge, prune, conflicts, force)
 * and updates (through the registry's hook), as Kubernetes' field manager keeps it.
 */
@Timeout(10)
class FieldManagerTest {
  static final ResourceType CONFIGMAPS = new ResourceType("", "v1", "configmaps", "ConfigMap",
      "configmap", true, List.of("cm"), List.of(), false, null);
  static final ResourceType DEPLOYMENTS = new ResourceType("apps", "v1", "deployments",
      "Deployment", "deployment", true, List.of("deploy"), List.of(), true,
      new ResourceType.Scale(".spec.replicas", ".status.replicas", ".spec.selector"));

  enum Op { APPLY, FORCE, UPDATE, SCALE, STATUS }

  /** One write: {@code body} is the object without apiVersion, kind and name. */
  record Step(Op op, String manager, String body) {}

  static Step apply(String manager, String body) {
    return new Step(Op.APPLY, manager, body);
  }

  static Step force(String manager, String body) {
    return new Step(Op.FORCE, manager, body);
  }

  static Step update(String manager, String body) {
    return new Step(Op.UPDATE, manager, body);
  }

  static Step scale(String manager, String body) {
    return new Step(Op.SCALE, manager, body);
  }

  static Step status(String manager, String body) {
    return new Step(Op.STATUS, manager, body);
  }

  /** The object one resource type's writes go to; its clock ticks once per write. */
  static final class History {
    final ResourceType type;
    ObjectNode live;
    int tick;

    History(ResourceType type) {
      this.type = type;
    }

    void run(Step s) {
      String now = "T" + (++tick);
      ObjectNode body = object(s.body());
      switch (s.op()) {
        case APPLY, FORCE -> live = FieldManager.apply(live != null ? live : object(""), body,
            s.manager(), s.op() == Op.FORCE, live == null,
            FieldManager.Scope.of(type, Registry.Part.MAIN), now, Schema.KUBERNETES);
        case UPDATE -> write(body, Registry.Part.MAIN, s.manager(), now);
        case SCALE -> {
          ObjectNode next = live.deepCopy();
          next.withObjectProperty("spec").set("replicas", body.path("spec").path("replicas"));
          write(next, Registry.Part.SCALE, s.manager(), now);
        }
        case STATUS -> {
          ObjectNode next = live.deepCopy();
          next.set("status", body.get("status"));
          write(next, Registry.Part.STATUS, s.manager(), now);
        }
      }
    }

    private void write(ObjectNode next, Registry.Part part, String manager, String now) {
      FieldManager.recordWrite(type, live, next, next, part,
          new WriteOptions(false, manager, "Warn", false), now);
      live = next;
    }

    ObjectNode object(String body) {
      ObjectNode o = Yaml.obj(body);
      o.put("apiVersion", type.apiVersion());
      o.put("kind", type.kind());
      o.withObjectProperty("metadata").put("name", "x");
      return o;
    }

    /** The object without apiVersion, kind and metadata. */
    JsonNode body() {
      ObjectNode b = live.deepCopy();
      b.remove(List.of("apiVersion", "kind", "metadata"));
      return b;
    }

    /** "manager operation[/subresource] path" for every owned path, sorted. */
    List<String> owners() {
      Map<String, List<String>> out = new TreeMap<>();
      ManagedFields.of(live).forEach((m, e) -> out.put(m.name() + " "
          + m.operation().wire() + (m.subresource().isEmpty() ? "" : "/" + m.subresource()),
          Yaml.paths(e.fields())));
      List<String> lines = new ArrayList<>();
      out.forEach((m, paths) -> paths.forEach(p -> lines.add(m + " " + p)));
      return lines;
    }
  }

  static Stream<Arguments> histories() {
    return Stream.of(
        Arguments.of("an apply creates the object and owns exactly what it applied",
            CONFIGMAPS, List.of(apply("a", "data: {x: '1', y: '2'}")),
            "data: {x: '1', y: '2'}", """
            a Apply .data.x
            a Apply .data.y
            """),
        Arguments.of("two appliers of the same value share the field", CONFIGMAPS, List.of(
            apply("a", "data: {x: '1'}"), apply("b", "data: {x: '1'}")),
            "data: {x: '1'}", """
            a Apply .data.x
            b Apply .data.x
            """),
        Arguments.of("forcing takes the field and leaves the rest with its owner", CONFIGMAPS,
            List.of(apply("a", "data: {x: '1', y: '1'}"), force("b", "data: {x: '2'}")),
            "data: {x: '2', y: '1'}", """
            a Apply .data.y
            b Apply .data.x
            """),
        Arguments.of("a field the applier no longer applies is removed", CONFIGMAPS, List.of(
            apply("a", "data: {x: '1', y: '2'}"), apply("a", "data: {x: '1'}")),
            "data: {x: '1'}", """
            a Apply .data.x
            """),
        Arguments.of("a field another applier also applied stays when one lets go", CONFIGMAPS,
            List.of(apply("a", "data: {x: '1'}"), apply("b", "data: {x: '1'}"),
                apply("a", "")),
            "data: {x: '1'}", """
            b Apply .data.x
            """),
        Arguments.of("a field an updater changed since stays when the applier lets go",
            CONFIGMAPS, List.of(apply("a", "data: {x: '1', y: '1'}"),
                update("edit", "data: {x: '2', y: '1'}"), apply("a", "data: {y: '1'}")),
            "data: {x: '2', y: '1'}", """
            a Apply .data.y
            edit Update .data.x
            """),
        Arguments.of("an update owns what it created, including the new map", CONFIGMAPS,
            List.of(update("create", "data: {x: '1'}")),
            "data: {x: '1'}", """
            create Update .data
            create Update .data.x
            """),
        Arguments.of("an update takes only the fields it changed", CONFIGMAPS, List.of(
            update("create", "data: {x: '1', y: '1'}"), update("edit", "data: {x: '1', y: '2'}")),
            "data: {x: '1', y: '2'}", """
            create Update .data
            create Update .data.x
            edit Update .data.y
            """),
        Arguments.of("an update that removes a field takes it from its owner", CONFIGMAPS,
            List.of(apply("a", "data: {x: '1', y: '1'}"), update("edit", "data: {x: '1'}")),
            "data: {x: '1'}", """
            a Apply .data.x
            """),
        Arguments.of("an update that changes nothing records nothing", CONFIGMAPS, List.of(
            update("create", "data: {x: '1'}"), update("edit", "data: {x: '1'}")),
            "data: {x: '1'}", """
            create Update .data
            create Update .data.x
            """),
        Arguments.of("containers merge by name and a container no longer applied goes",
            DEPLOYMENTS, List.of(
                apply("a", "spec: {template: {spec: {containers: [{name: web, image: n1},"
                    + " {name: side, image: b}]}}}"),
                apply("a", "spec: {template: {spec: {containers: [{name: web, image: n2}]}}}")),
            "spec: {template: {spec: {containers: [{name: web, image: n2}]}}}", """
            a Apply .spec.template.spec.containers[name="web"]
            a Apply .spec.template.spec.containers[name="web"].image
            a Apply .spec.template.spec.containers[name="web"].name
            """),
        Arguments.of("a container another manager added survives the applier's re-apply",
            DEPLOYMENTS, List.of(
                apply("a", "spec: {template: {spec: {containers: [{name: web, image: n1}]}}}"),
                update("patch", "spec: {template: {spec: {containers: [{name: web, image: n1},"
                    + " {name: side, image: b}]}}}"),
                apply("a", "spec: {template: {spec: {containers: [{name: web, image: n2}]}}}")),
            "spec: {template: {spec: {containers: [{name: web, image: n2},"
                + " {name: side, image: b}]}}}", """
            a Apply .spec.template.spec.containers[name="web"]
            a Apply .spec.template.spec.containers[name="web"].image
            a Apply .spec.template.spec.containers[name="web"].name
            patch Update .spec.template.spec.containers[name="side"]
            patch Update .spec.template.spec.containers[name="side"].image
            patch Update .spec.template.spec.containers[name="side"].name
            """),
        Arguments.of("a scale is owned under the scale subresource", DEPLOYMENTS, List.of(
            apply("kubectl", "spec: {replicas: 2}"), scale("kubectl", "spec: {replicas: 5}")),
            "spec: {replicas: 5}", """
            kubectl Update/scale .spec.replicas
            """),
        Arguments.of("a status write owns only the status, under its subresource",
            DEPLOYMENTS, List.of(apply("a", "spec: {replicas: 1}"),
                status("ctrl", "status: {replicas: 1}")),
            "spec: {replicas: 1}\nstatus: {replicas: 1}", """
            a Apply .spec.replicas
            ctrl Update/status .status.replicas
            """),
        Arguments.of("the status in a main-resource apply is not owned", DEPLOYMENTS, List.of(
            apply("a", "spec: {replicas: 1}\nstatus: {replicas: 3}")),
            "spec: {replicas: 1}\nstatus: {replicas: 3}", """
            a Apply .spec.replicas
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void keepsOwnership(String name, ResourceType type, List<Step> steps, String body,
      String owners) {
    History h = new History(type);
    steps.forEach(h::run);
    assertThat(h.body()).isEqualTo(Yaml.obj(body));
    assertThat(h.owners()).containsExactlyElementsOf(Yaml.lines(owners));
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        Arguments.of("another applier's value", CONFIGMAPS, List.of(
            apply("a", "data: {x: '1'}"), apply("b", "data: {x: '2'}")),
            "Apply failed with 1 conflict: conflict with \"a\": .data.x"),
        Arguments.of("an updater's value, named with its API version", CONFIGMAPS, List.of(
            update("kubectl-edit", "data: {x: '1'}"), apply("b", "data: {x: '2'}")),
            "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.x"),
        Arguments.of("a scale, named with its subresource", DEPLOYMENTS, List.of(
            apply("kubectl", "spec: {replicas: 2}"), scale("kubectl", "spec: {replicas: 5}"),
            apply("kubectl", "spec: {replicas: 3}")),
            "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" "
                + "using apps/v1: .spec.replicas"),
        Arguments.of("several fields, listed under their manager", CONFIGMAPS, List.of(
            apply("a", "data: {x: '1', y: '1'}"), apply("b", "data: {x: '2', y: '2'}")),
            "Apply failed with 2 conflicts: conflicts with \"a\":\n- .data.x\n- .data.y"),
        Arguments.of("a container field, by the container's name", DEPLOYMENTS, List.of(
            apply("a", "spec: {template: {spec: {containers: [{name: web, image: n1}]}}}"),
            apply("b", "spec: {template: {spec: {containers: [{name: web, image: n2}]}}}")),
            "Apply failed with 1 conflict: conflict with \"a\": "
                + ".spec.template.spec.containers[name=\"web\"].image"));
  }

  @ParameterizedTest(name = "conflicts with {0}")
  @MethodSource("conflicts")
  void refusesToChangeAnotherManagersField(String name, ResourceType type, List<Step> steps,
      String message) {
    History h = new History(type);
    steps.subList(0, steps.size() - 1).forEach(h::run);
    ObjectNode before = h.live.deepCopy();
    assertThatThrownBy(() -> h.run(steps.get(steps.size() - 1)))
        .isInstanceOf(ApiException.class)
        .hasMessage(message)
        .satisfies(e -> {
          assertThat(((ApiException) e).code()).isEqualTo(409);
          assertThat(((ApiException) e).reason()).isEqualTo("Conflict");
        });
    assertThat(h.live).isEqualTo(before);
  }

  @Test
  void conflictCausesNameEachFieldAndItsManager() {
    History h = new History(DEPLOYMENTS);
    h.run(apply("a", "spec: {replicas: 1, paused: false}"));
    h.run(update("kubectl-edit", "spec: {replicas: 1, paused: true}"));
    ApiException e = catchThrowableOfType(ApiException.class,
        () -> h.run(apply("b", "spec: {replicas: 2, paused: false}")));
    assertThat(e.causes()).containsExactly(
        new ApiException.Cause("FieldManagerConflict", "conflict with \"a\"", ".spec.replicas"),
        new ApiException.Cause("FieldManagerConflict",
            "conflict with \"kubectl-edit\" using apps/v1", ".spec.paused"));
  }

  @Test
  void anUnchangedReapplyKeepsItsTimeAndAChangeUpdatesIt() {
    History h = new History(CONFIGMAPS);
    h.run(apply("a", "data: {x: '1'}"));
    h.run(apply("a", "data: {x: '1'}"));
    assertThat(h.live.at("/metadata/managedFields/0/time").asText()).isEqualTo("T1");
    h.run(apply("a", "data: {x: '2'}"));
    assertThat(h.live.at("/metadata/managedFields/0/time").asText()).isEqualTo("T3");
    assertThat(h.live.at("/metadata/managedFields/0/operation").asText()).isEqualTo("Apply");
    assertThat(h.live.at("/metadata/managedFields/0/apiVersion").asText()).isEqualTo("v1");
    assertThat(h.live.at("/metadata/managedFields/0/fieldsType").asText())
        .isEqualTo("FieldsV1");
  }

  @Test
  void fieldsOfAnObjectWrittenBeforeTrackingBelongToBeforeFirstApply() {
    History h = new History(CONFIGMAPS);
    h.live = h.object("data: {x: '1', y: '1'}");
    assertThatThrownBy(() -> h.run(apply("a", "data: {x: '2'}")))
        .hasMessage("Apply failed with 1 conflict: conflict with \"before-first-apply\" using "
            + "v1: .data.x");
    h.run(apply("a", "data: {y: '1'}"));
    assertThat(h.owners()).containsExactly("a Apply .data.y",
        "before-first-apply Update .data.x", "before-first-apply Update .data.y");
  }

  @Test
  void anUpdateCarryingManagedFieldsSetsThemAndAnEmptyListClearsThem() {
    History h = new History(CONFIGMAPS);
    h.run(apply("a", "data: {x: '1'}"));
    ObjectNode cleared = h.live.deepCopy();
    cleared.withObjectProperty("metadata").putArray("managedFields");
    FieldManager.recordWrite(CONFIGMAPS, h.live, cleared, cleared, Registry.Part.MAIN,
        new WriteOptions(false, "edit", "Warn", false), "T9");
    assertThat(cleared.path("metadata").has("managedFields")).isFalse();
  }

  @Test
  void kubectlsServerSideApplyRewritesTheLastAppliedAnnotationAndOthersLeaveIt() {
    String annotated = "metadata: {annotations: {kubectl.kubernetes.io/last-applied-configuration:"
        + " old}}\ndata: {x: '1'}";
    History h = new History(CONFIGMAPS);
    h.run(update("kubectl-client-side-apply", annotated));
    h.run(apply("helm", "data: {y: '1'}"));
    assertThat(h.live.at("/metadata/annotations").path(LastApplied.ANNOTATION).asText())
        .isEqualTo("old");
    h.run(apply("kubectl", "data: {x: '1'}"));
    assertThat(Yaml.obj(h.live.at("/metadata/annotations").path(LastApplied.ANNOTATION)
        .asText())).isEqualTo(h.object("data: {x: '1'}"));
    assertThat(h.owners()).contains("kubectl Apply .data.x",
        "kubectl-client-side-apply Update .metadata.annotations.kubectl.kubernetes.io/"
            + "last-applied-configuration");
  }

  @Test
  void aWriteWithoutAManagerIsRecordedAsUnknown() {
    ObjectNode obj = new History(CONFIGMAPS).object("data: {x: '1'}");
    FieldManager.recordWrite(CONFIGMAPS, null, obj, obj, Registry.Part.MAIN,
        WriteOptions.DEFAULT, "T1");
    assertThat(obj.at("/metadata/managedFields/0/manager").asText()).isEqualTo("unknown");
    assertThat(obj.at("/metadata/managedFields/0/operation").asText()).isEqualTo("Update");
  }

  /** kubectl's client-side to server-side upgrade leaves an Apply entry owning data itself. */
  @Test
  void anApplierDoesNotGiveUpTheMapsThatHoldWhatItApplies() {
    FieldSet before = FieldSet.of(FieldPath.of("data"), FieldPath.of("data", "mode"),
        FieldPath.of("metadata", "annotations"),
        FieldPath.of("metadata", "annotations", "last-applied"));
    FieldSet now = FieldSet.of(FieldPath.of("data", "mode"));
    assertThat(FieldManager.givenUp(before, now).paths()).containsExactly(
        FieldPath.of("metadata", "annotations"),
        FieldPath.of("metadata", "annotations", "last-applied"));
  }
}
