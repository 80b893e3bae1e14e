package dev.keelson.api.crd;

import static dev.keelson.api.crd.SchemaValidatorTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Defaulting of custom objects from their schema, nulls included. */
@Timeout(30)
class DefaulterTest {
  private static final String SPEC = "{'type':'object','properties':{'spec':{'type':'object',"
      + "'properties':{'replicas':{'type':'integer','default':1},"
      + "'mode':{'type':'string','nullable':true,'default':'auto'},"
      + "'note':{'type':'string'}}}}}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("an absent field takes its default", SPEC, "{'spec':{}}",
            "{'spec':{'replicas':1,'mode':'auto'}}"),
        Arguments.of("a present field keeps its value", SPEC,
            "{'spec':{'replicas':3,'mode':'manual'}}", "{'spec':{'replicas':3,'mode':'manual'}}"),
        Arguments.of("a null that is not nullable takes the default", SPEC,
            "{'spec':{'replicas':null,'mode':'x'}}", "{'spec':{'replicas':1,'mode':'x'}}"),
        Arguments.of("a null that is not nullable and has no default goes", SPEC,
            "{'spec':{'note':null,'replicas':2,'mode':'x'}}",
            "{'spec':{'replicas':2,'mode':'x'}}"),
        Arguments.of("a nullable null stays", SPEC, "{'spec':{'mode':null,'replicas':2}}",
            "{'spec':{'mode':null,'replicas':2}}"),
        Arguments.of("a defaulted object is defaulted in turn",
            "{'type':'object','properties':{'spec':{'type':'object','default':{},"
                + "'properties':{'replicas':{'type':'integer','default':1}}}}}",
            "{}", "{'spec':{'replicas':1}}"),
        Arguments.of("array items are defaulted",
            "{'type':'object','properties':{'ports':{'type':'array','items':{'type':'object',"
                + "'properties':{'protocol':{'type':'string','default':'TCP'}}}}}}",
            "{'ports':[{},{'protocol':'UDP'}]}",
            "{'ports':[{'protocol':'TCP'},{'protocol':'UDP'}]}"),
        Arguments.of("map values are defaulted",
            "{'type':'object','properties':{'m':{'type':'object','additionalProperties':"
                + "{'type':'object','properties':{'on':{'type':'boolean','default':true}}}}}}",
            "{'m':{'a':{},'b':{'on':false}}}", "{'m':{'a':{'on':true},'b':{'on':false}}}"),
        Arguments.of("the object's own metadata is never defaulted",
            "{'type':'object','properties':{'metadata':{'type':'object','default':{'x':1}},"
                + "'kind':{'type':'string','default':'K'}}}",
            "{}", "{}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fillsDefaultsTopDown(String name, String schema, String in, String out) {
    ObjectNode obj = (ObjectNode) json(in);
    Defaulter.apply(obj, StructuralSchema.of(json(schema)));
    assertThat(obj).isEqualTo(json(out));
  }
}
