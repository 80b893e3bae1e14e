package dev.keelson.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schema validation of custom objects, with Kubernetes' field paths, reasons and messages. */
@Timeout(30)
class SchemaValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** JSON written with single quotes, for readable tables. */
  static JsonNode json(String singleQuoted) {
    try {
      return JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  /** A root schema with one spec field {@code f} of the given schema. */
  private static String field(String schema) {
    return "{'type':'object','properties':{'spec':{'type':'object','properties':{'f':" + schema
        + "}}}}";
  }

  private static Arguments spec(String name, String fieldSchema, String value,
      String... causes) {
    return Arguments.of(name, field(fieldSchema), "{'spec':{'f':" + value + "}}",
        List.of(causes));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        spec("an integer where a string is wanted", "{'type':'string'}", "1",
            "spec.f|FieldValueTypeInvalid|Invalid value: \"integer\": spec.f in body must be of "
                + "type string: \"integer\""),
        spec("a string where an integer is wanted", "{'type':'integer'}", "'three'",
            "spec.f|FieldValueTypeInvalid|Invalid value: \"string\": spec.f in body must be of "
                + "type integer: \"string\""),
        spec("a fraction where an integer is wanted", "{'type':'integer'}", "2.5",
            "spec.f|FieldValueTypeInvalid|Invalid value: \"number\": spec.f in body must be of "
                + "type integer: \"number\""),
        spec("an integral number is an integer", "{'type':'integer'}", "2.0"),
        spec("an integer is a number", "{'type':'number'}", "2"),
        spec("a string where a boolean is wanted", "{'type':'boolean'}", "'true'",
            "spec.f|FieldValueTypeInvalid|Invalid value: \"string\": spec.f in body must be of "
                + "type boolean: \"string\""),
        spec("an array where an object is wanted", "{'type':'object'}", "[]",
            "spec.f|FieldValueTypeInvalid|Invalid value: \"array\": spec.f in body must be of "
                + "type object: \"array\""),
        spec("an object where an array is wanted", "{'type':'array','items':{'type':'string'}}",
            "{}", "spec.f|FieldValueTypeInvalid|Invalid value: \"object\": spec.f in body must "
                + "be of type array: \"object\""),
        spec("a value outside the enum", "{'type':'string','enum':['red','green']}", "'pink'",
            "spec.f|FieldValueNotSupported|Unsupported value: \"pink\": supported values: "
                + "\"red\", \"green\""),
        spec("a number outside a numeric enum", "{'type':'integer','enum':[1,2]}", "3",
            "spec.f|FieldValueNotSupported|Unsupported value: 3: supported values: \"1\", "
                + "\"2\""),
        spec("a value inside the enum", "{'type':'string','enum':['red','green']}", "'red'"),
        spec("a string that does not match the pattern", "{'type':'string','pattern':'^[a-z]+$'}",
            "'XL'", "spec.f|FieldValueInvalid|Invalid value: \"XL\": spec.f in body should "
                + "match '^[a-z]+$'"),
        spec("a pattern matches anywhere unless anchored", "{'type':'string','pattern':'[0-9]'}",
            "'a1b'"),
        spec("below the minimum", "{'type':'integer','minimum':0}", "-1",
            "spec.f|FieldValueInvalid|Invalid value: -1: spec.f in body should be greater than "
                + "or equal to 0"),
        spec("at an exclusive minimum",
            "{'type':'integer','minimum':0,'exclusiveMinimum':true}", "0",
            "spec.f|FieldValueInvalid|Invalid value: 0: spec.f in body should be greater than 0"),
        spec("above the maximum", "{'type':'integer','maximum':10}", "11",
            "spec.f|FieldValueInvalid|Invalid value: 11: spec.f in body should be less than or "
                + "equal to 10"),
        spec("at an exclusive maximum",
            "{'type':'number','maximum':1.5,'exclusiveMaximum':true}", "1.5",
            "spec.f|FieldValueInvalid|Invalid value: 1.5: spec.f in body should be less than "
                + "1.5"),
        spec("at an inclusive maximum", "{'type':'integer','maximum':10}", "10"),
        spec("shorter than minLength", "{'type':'string','minLength':3}", "'ab'",
            "spec.f|FieldValueInvalid|Invalid value: \"ab\": spec.f in body should be at least "
                + "3 chars long"),
        spec("longer than maxLength", "{'type':'string','maxLength':3}", "'abcd'",
            "spec.f|FieldValueTooLong|Too long: may not be longer than 3"),
        spec("lengths count characters, not bytes", "{'type':'string','maxLength':2}",
            "'\u00e9\u00e9'"),
        spec("fewer items than minItems",
            "{'type':'array','minItems':2,'items':{'type':'string'}}", "['a']",
            "spec.f|FieldValueInvalid|Invalid value: 1: spec.f in body should have at least 2 "
                + "items"),
        spec("more items than maxItems",
            "{'type':'array','maxItems':1,'items':{'type':'string'}}", "['a','b']",
            "spec.f|FieldValueTooMany|Too many: 2: must have at most 1 items"),
        spec("an item of the wrong type", "{'type':'array','items':{'type':'string'}}",
            "['a',1]", "spec.f[1]|FieldValueTypeInvalid|Invalid value: \"integer\": spec.f[1] "
                + "in body must be of type string: \"integer\""),
        spec("an int32 out of range", "{'type':'integer','format':'int32'}", "3000000000",
            "spec.f|FieldValueInvalid|Invalid value: 3000000000: spec.f in body must be of type "
                + "int32: \"3000000000\""),
        spec("an int32 in range", "{'type':'integer','format':'int32'}", "-2147483648"),
        spec("an int64 out of range", "{'type':'integer','format':'int64'}",
            "9223372036854775808", "spec.f|FieldValueInvalid|Invalid value: "
                + "9223372036854775808: spec.f in body must be of type int64: "
                + "\"9223372036854775808\""),
        spec("a date-time that is not one", "{'type':'string','format':'date-time'}",
            "'yesterday'", "spec.f|FieldValueInvalid|Invalid value: \"yesterday\": spec.f in "
                + "body must be of type date-time: \"yesterday\""),
        spec("a nullable null", "{'type':'string','nullable':true}", "null"),
        spec("a null that is not nullable", "{'type':'string'}", "null",
            "spec.f|FieldValueTypeInvalid|Invalid value: \"null\": spec.f in body must be of "
                + "type string: \"null\""),
        spec("a map value of the wrong type",
            "{'type':'object','additionalProperties':{'type':'string'}}", "{'a':'x','b':2}",
            "spec.f.b|FieldValueTypeInvalid|Invalid value: \"integer\": spec.f.b in body must "
                + "be of type string: \"integer\""),
        spec("a field where additionalProperties is false",
            "{'type':'object','additionalProperties':false}", "{'extra':1}",
            "spec.f.extra|FieldValueInvalid|Invalid value: \"extra\": spec.f.extra in body is a "
                + "forbidden property"),
        spec("an int-or-string given a string", "{'x-kubernetes-int-or-string':true}", "'80%'"),
        spec("an int-or-string given an integer", "{'x-kubernetes-int-or-string':true}", "80"),
        spec("an int-or-string given a boolean",
            "{'x-kubernetes-int-or-string':true,'anyOf':[{'type':'integer'},{'type':'string'}]}",
            "true", "spec.f|FieldValueTypeInvalid|Invalid value: \"boolean\": spec.f in body "
                + "must be of type integer,string: \"boolean\""),
        spec("an embedded resource without apiVersion and kind",
            "{'type':'object','x-kubernetes-embedded-resource':true,"
                + "'x-kubernetes-preserve-unknown-fields':true}", "{'spec':{}}",
            "spec.f.apiVersion|FieldValueRequired|Required value: must not be empty",
            "spec.f.kind|FieldValueRequired|Required value: must not be empty"),
        spec("an embedded resource with apiVersion and kind",
            "{'type':'object','x-kubernetes-embedded-resource':true,"
                + "'x-kubernetes-preserve-unknown-fields':true}",
            "{'apiVersion':'v1','kind':'Pod'}"),
        spec("a value matching no anyOf branch",
            "{'type':'integer','anyOf':[{'minimum':10},{'maximum':0}]}", "5",
            "spec.f|FieldValueInvalid|Invalid value: \"\": spec.f in body must validate at "
                + "least one schema (anyOf)"),
        spec("a value failing an allOf branch", "{'type':'integer','allOf':[{'minimum':10}]}",
            "5", "spec.f|FieldValueInvalid|Invalid value: 5: spec.f in body should be greater "
                + "than or equal to 10"),
        Arguments.of("a missing required field",
            "{'type':'object','properties':{'spec':{'type':'object','required':['color'],"
                + "'properties':{'color':{'type':'string'}}}}}",
            "{'spec':{}}", List.of("spec.color|FieldValueRequired|Required value")),
        Arguments.of("every problem of an object, in field order",
            "{'type':'object','required':['spec'],'properties':{'spec':{'type':'object',"
                + "'properties':{'replicas':{'type':'integer','maximum':10},"
                + "'color':{'type':'string','enum':['red']}}}}}",
            "{'spec':{'replicas':15,'color':'blue'}}",
            List.of("spec.replicas|FieldValueInvalid|Invalid value: 15: spec.replicas in body "
                    + "should be less than or equal to 10",
                "spec.color|FieldValueNotSupported|Unsupported value: \"blue\": supported "
                    + "values: \"red\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsEachProblemAsKubernetesDoes(String name, String schema, String value,
      List<String> expected) {
    List<String> got = SchemaValidator.validate(json(value), StructuralSchema.of(json(schema)),
        "").stream().map(c -> c.field() + "|" + c.reason() + "|" + c.message()).toList();
    assertThat(got).containsExactlyElementsOf(expected);
  }
}
