package dev.keelson.api.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Strategic merge patch as kubectl relies on it; each row: live object, patch, result. */
@Timeout(10)
class StrategicMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("maps merge, null deletes",
            "{'metadata':{'labels':{'a':'1','b':'2'}}}",
            "{'metadata':{'labels':{'b':null,'c':'3'}}}",
            "{'metadata':{'labels':{'a':'1','c':'3'}}}"),
        Arguments.of("containers merge by name",
            "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}}",
            "{'spec':{'containers':[{'name':'b','image':'z'},{'name':'c','image':'w'}]}}",
            "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'z'},"
                + "{'name':'c','image':'w'}]}}"),
        Arguments.of("$patch delete removes one element",
            "{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}}",
            "{'spec':{'containers':[{'name':'a','$patch':'delete'}]}}",
            "{'spec':{'containers':[{'name':'b','image':'y'}]}}"),
        Arguments.of("container ports merge by containerPort, env by name",
            "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80}],"
                + "'env':[{'name':'X','value':'1'}]}]}}",
            "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':443}],"
                + "'env':[{'name':'X','value':'2'}]}]}}",
            "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80},"
                + "{'containerPort':443}],'env':[{'name':'X','value':'2'}]}]}}"),
        Arguments.of("service ports merge by port",
            "{'spec':{'ports':[{'port':80,'targetPort':8080}]}}",
            "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}",
            "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}"),
        Arguments.of("lists without a merge key are replaced",
            "{'spec':{'containers':[{'name':'a','args':['1','2']}]}}",
            "{'spec':{'containers':[{'name':'a','args':['3']}]}}",
            "{'spec':{'containers':[{'name':'a','args':['3']}]}}"),
        Arguments.of("finalizers are a set",
            "{'metadata':{'finalizers':['a','b']}}",
            "{'metadata':{'finalizers':['b','c']}}",
            "{'metadata':{'finalizers':['a','b','c']}}"),
        Arguments.of("$deleteFromPrimitiveList",
            "{'metadata':{'finalizers':['a','b']}}",
            "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}",
            "{'metadata':{'finalizers':['b']}}"),
        Arguments.of("$patch replace on a map",
            "{'spec':{'selector':{'a':'1','b':'2'}}}",
            "{'spec':{'selector':{'$patch':'replace','c':'3'}}}",
            "{'spec':{'selector':{'c':'3'}}}"),
        Arguments.of("$retainKeys drops the rest",
            "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
            "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
            "{'spec':{'strategy':{'type':'Recreate'}}}"),
        Arguments.of("$setElementOrder is accepted and ignored",
            "{'spec':{'containers':[{'name':'a','image':'x'}]}}",
            "{'spec':{'$setElementOrder/containers':[{'name':'a'}],"
                + "'containers':[{'name':'a','image':'y'}]}}",
            "{'spec':{'containers':[{'name':'a','image':'y'}]}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void strategicMergeAsKubectlExpects(String what, String live, String patch, String want)
      throws Exception {
    ObjectNode out = Patches.strategicMerge(obj(live), obj(patch));
    assertThat(out).isEqualTo(obj(want));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mergeCases")
  void mergePatchFollowsRfc7386(String what, String live, String patch, String want)
      throws Exception {
    assertThat(Patches.mergePatch(obj(live), obj(patch))).isEqualTo(obj(want));
  }

  static Stream<Arguments> mergeCases() {
    return Stream.of(
        Arguments.of("lists are replaced whole",
            "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
            "{'spec':{'containers':[{'name':'c'}]}}",
            "{'spec':{'containers':[{'name':'c'}]}}"),
        Arguments.of("null removes a field", "{'a':1,'b':{'c':2}}", "{'b':{'c':null}}",
            "{'a':1,'b':{}}"));
  }

  private static ObjectNode obj(String singleQuoted) throws Exception {
    JsonNode n = JSON.readTree(singleQuoted.replace('\'', '"'));
    return (ObjectNode) n;
  }
}
