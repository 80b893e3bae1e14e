package dev.keelson.admission.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.plugins.PodSecurity.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each Pod Security Standards check, at the level that has it and the one below. */
@Timeout(10)
class PodSecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A pod that meets the restricted level; each case changes one thing. */
  private static final String RESTRICTED_OK = "{'securityContext':{'runAsNonRoot':true,"
      + "'seccompProfile':{'type':'RuntimeDefault'}},'containers':[{'name':'c','image':'i',"
      + "'securityContext':{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}}]"
      + "%s}";

  private static JsonNode spec(String extra) throws Exception {
    return JSON.readTree(RESTRICTED_OK.formatted(extra).replace('\'', '"'));
  }

  private static JsonNode spec(String path, String value) throws Exception {
    JsonNode s = spec("");
    ObjectNode at = (ObjectNode) s;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      at = parts[i].equals("c0") ? (ObjectNode) at.withArrayProperty("containers").get(0)
          : at.withObjectProperty(parts[i]);
    }
    at.set(parts[parts.length - 1], JSON.readTree(value.replace('\'', '"')));
    return s;
  }

  @Test
  void aPodThatMeetsRestrictedBreaksNoLevel() throws Exception {
    for (Level l : Level.values()) {
      assertThat(PodSecurity.check(l, spec(""), JSON.createObjectNode())).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}={1} breaks {2}")
  @CsvSource(delimiter = '|', value = {
      "hostNetwork|true|BASELINE|host namespaces (hostNetwork=true)",
      "hostPID|true|BASELINE|host namespaces (hostPID=true)",
      "c0.securityContext.privileged|true|BASELINE|privileged (container \"c\" must not set "
          + "securityContext.privileged=true)",
      "c0.securityContext.capabilities.add|['NET_ADMIN']|BASELINE|non-default capabilities "
          + "(container \"c\" must not include \"NET_ADMIN\" in "
          + "securityContext.capabilities.add)",
      "c0.securityContext.procMount|\"Unmasked\"|BASELINE|procMount (container \"c\" must not "
          + "set securityContext.procMount)",
      "securityContext.seccompProfile|{'type':'Unconfined'}|BASELINE|seccompProfile (pod must "
          + "not set securityContext.seccompProfile.type to \"Unconfined\")",
      "securityContext.sysctls|[{'name':'kernel.msgmax','value':'1'}]|BASELINE|forbidden "
          + "sysctls (kernel.msgmax)",
      "volumes|[{'name':'h','hostPath':{'path':'/'}}]|BASELINE|hostPath volumes (volume "
          + "\"h\")",
      "c0.ports|[{'containerPort':80,'hostPort':8080}]|BASELINE|hostPort (container \"c\" uses "
          + "hostPort 8080)",
      "c0.securityContext.allowPrivilegeEscalation|true|RESTRICTED|allowPrivilegeEscalation "
          + "!= false (container \"c\" must set securityContext.allowPrivilegeEscalation=false)",
      "securityContext.runAsNonRoot|false|RESTRICTED|runAsNonRoot != true (pod must not set "
          + "securityContext.runAsNonRoot=false; pod or container \"c\" must set "
          + "securityContext.runAsNonRoot=true)",
      "securityContext.runAsUser|0|RESTRICTED|runAsUser=0 (pod must not set runAsUser=0)",
      "c0.securityContext.capabilities|{'drop':['ALL'],'add':['CHOWN']}|RESTRICTED|"
          + "unrestricted capabilities (container \"c\" must not include \"CHOWN\" in "
          + "securityContext.capabilities.add)",
      "volumes|[{'name':'n','nfs':{'server':'s','path':'/'}}]|RESTRICTED|restricted volume "
          + "types (volume \"n\" uses restricted volume type \"nfs\")"})
  void eachCheckRefusesAtItsLevelAndNotBelow(String path, String value, Level level,
      String expected) throws Exception {
    JsonNode s = spec(path, value);
    assertThat(PodSecurity.check(level, s, JSON.createObjectNode())).containsExactly(expected);
    Level below = Level.values()[level.ordinal() - 1];
    assertThat(PodSecurity.check(below, s, JSON.createObjectNode())).isEmpty();
  }
}
