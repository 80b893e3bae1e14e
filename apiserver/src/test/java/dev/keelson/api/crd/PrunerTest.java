package dev.keelson.api.crd;

import static dev.keelson.api.crd.SchemaValidatorTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pruning of fields a structural schema does not specify. */
@Timeout(30)
class PrunerTest {
  private static final String SPEC = "{'type':'object','properties':{'spec':{'type':'object',"
      + "'properties':{'replicas':{'type':'integer'}}}}}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("an unknown top-level field goes; apiVersion, kind, metadata stay", SPEC,
            "{'apiVersion':'a/v1','kind':'K','metadata':{'name':'n','x':1},'spec':{},'junk':1}",
            "{'apiVersion':'a/v1','kind':'K','metadata':{'name':'n','x':1},'spec':{}}",
            List.of("junk")),
        Arguments.of("an unknown nested field goes", SPEC,
            "{'spec':{'replicas':1,'foo':{'bar':2}}}", "{'spec':{'replicas':1}}",
            List.of("spec.foo")),
        Arguments.of("preserve-unknown-fields keeps unknown fields but prunes known ones",
            "{'type':'object','properties':{'spec':{'type':'object',"
                + "'x-kubernetes-preserve-unknown-fields':true,'properties':{'known':"
                + "{'type':'object','properties':{'a':{'type':'string'}}}}}}}",
            "{'spec':{'free':{'x':1},'known':{'a':'y','b':'z'}}}",
            "{'spec':{'free':{'x':1},'known':{'a':'y'}}}", List.of("spec.known.b")),
        Arguments.of("map values are pruned by additionalProperties",
            "{'type':'object','properties':{'spec':{'type':'object','additionalProperties':"
                + "{'type':'object','properties':{'port':{'type':'integer'}}}}}}",
            "{'spec':{'web':{'port':80,'junk':1},'db':{'port':5432}}}",
            "{'spec':{'web':{'port':80},'db':{'port':5432}}}", List.of("spec.web.junk")),
        Arguments.of("array items are pruned by items",
            "{'type':'object','properties':{'spec':{'type':'object','properties':{'items':"
                + "{'type':'array','items':{'type':'object','properties':{'a':{'type':'string'}}"
                + "}}}}}}",
            "{'spec':{'items':[{'a':'x','b':1},{'a':'y'}]}}",
            "{'spec':{'items':[{'a':'x'},{'a':'y'}]}}", List.of("spec.items[0].b")),
        Arguments.of("an embedded resource keeps its apiVersion, kind and metadata",
            "{'type':'object','properties':{'spec':{'type':'object','properties':{'template':"
                + "{'type':'object','x-kubernetes-embedded-resource':true,'properties':"
                + "{'spec':{'type':'object','properties':{'a':{'type':'string'}}}}}}}}}",
            "{'spec':{'template':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
                + "'spec':{'a':'x','b':'y'},'other':1}}}",
            "{'spec':{'template':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
                + "'spec':{'a':'x'}}}}", List.of("spec.template.spec.b", "spec.template.other")),
        Arguments.of("additionalProperties true keeps every field",
            "{'type':'object','properties':{'spec':{'type':'object',"
                + "'additionalProperties':true}}}",
            "{'spec':{'a':{'b':1}}}", "{'spec':{'a':{'b':1}}}", List.of()),
        Arguments.of("a value of the wrong shape is left for validation", SPEC,
            "{'spec':'text'}", "{'spec':'text'}", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void dropsWhatTheSchemaDoesNotSpecify(String name, String schema, String in, String out,
      List<String> dropped) {
    ObjectNode obj = (ObjectNode) json(in);
    List<String> got = Pruner.prune(obj, StructuralSchema.of(json(schema)));
    assertThat(obj).isEqualTo(json(out));
    assertThat(got).containsExactlyElementsOf(dropped);
  }
}
