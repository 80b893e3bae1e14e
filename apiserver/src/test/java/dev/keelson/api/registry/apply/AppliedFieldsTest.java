package dev.keelson.api.registry.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fields an applied configuration owns, for each kind of node Kubernetes distinguishes. */
@Timeout(10)
class AppliedFieldsTest {

  static Stream<Arguments> configurations() {
    return Stream.of(
        Arguments.of("map keys are owned one by one, the map itself is not", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, labels: {app: web}}
            data: {a: "1", b: "2"}
            """, """
            .data.a
            .data.b
            .metadata.labels.app
            """),
        Arguments.of("list items are named by their merge key and owned with their fields", """
            spec:
              template:
                spec:
                  containers:
                  - {name: nginx, image: "nginx:1.25"}
                  - {name: sidecar, image: busybox}
            """, """
            .spec.template.spec.containers[name="nginx"]
            .spec.template.spec.containers[name="nginx"].image
            .spec.template.spec.containers[name="nginx"].name
            .spec.template.spec.containers[name="sidecar"]
            .spec.template.spec.containers[name="sidecar"].image
            .spec.template.spec.containers[name="sidecar"].name
            """),
        Arguments.of("container ports are keyed by port and protocol, TCP by default", """
            containers:
            - name: web
              ports:
              - {containerPort: 80}
              - {containerPort: 53, protocol: UDP}
            """, """
            .containers[name="web"]
            .containers[name="web"].name
            .containers[name="web"].ports[containerPort=53,protocol="UDP"]
            .containers[name="web"].ports[containerPort=53,protocol="UDP"].containerPort
            .containers[name="web"].ports[containerPort=53,protocol="UDP"].protocol
            .containers[name="web"].ports[containerPort=80,protocol="TCP"]
            .containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort
            """),
        Arguments.of("service ports are keyed by port and protocol", """
            spec:
              ports: [{port: 443, targetPort: 8443}]
            """, """
            .spec.ports[port=443,protocol="TCP"]
            .spec.ports[port=443,protocol="TCP"].port
            .spec.ports[port=443,protocol="TCP"].targetPort
            """),
        Arguments.of("finalizers are a set of values", """
            metadata: {finalizers: [a.io/x, b.io/y]}
            """, """
            .metadata.finalizers[="a.io/x"]
            .metadata.finalizers[="b.io/y"]
            """),
        Arguments.of("atomic lists and selectors are owned whole", """
            spec:
              selector: {matchLabels: {app: web}}
              template: {spec: {containers: [{name: c, args: [a, b]}]}}
            """, """
            .spec.selector
            .spec.template.spec.containers[name="c"]
            .spec.template.spec.containers[name="c"].args
            .spec.template.spec.containers[name="c"].name
            """),
        Arguments.of("a keyed list with an item lacking its key is owned whole", """
            spec: {containers: [{image: x}]}
            """, """
            .spec.containers
            """),
        Arguments.of("nulls and empty objects own nothing", """
            data: {gone: null}
            spec: {strategy: {}}
            """, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void ownsWhatTheConfigurationSets(String name, String config, String expected) {
    FieldSet owned = AppliedFields.of(Yaml.obj(config), Schema.KUBERNETES)
        .difference(FieldManager.SERVER_FIELDS);
    assertThat(Yaml.paths(owned)).containsExactlyElementsOf(Yaml.lines(expected));
  }
}
