package dev.keelson.admission.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.admission.AdmissionRequest;
import dev.keelson.admission.AdmissionRequest.Operation;
import dev.keelson.admission.match.MatchResources;
import dev.keelson.auth.authn.UserInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * admission.k8s.io/v1 AdmissionReview: the request a webhook is sent and the checks on its
 * answer, as kube-apiserver's (response.uid must echo request.uid; a patch needs
 * {@code patchType: JSONPatch}; a validating webhook may not send a patch). Every type is
 * served in one version here, so requestKind, requestResource and requestSubResource always
 * equal kind, resource and subResource.
 */
final class Reviews {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A webhook's answer. {@code patch} is the decoded JSON Patch, or null if none was sent. */
  record Reply(boolean allowed, int code, String reason, String message, JsonNode patch,
      List<String> warnings) {
    Reply {
      warnings = List.copyOf(warnings);
    }
  }

  private Reviews() {}

  /** The review sent for {@code r}, with request uid {@code uid}. */
  static ObjectNode request(AdmissionRequest r, String uid) {
    ObjectNode review = NODES.objectNode();
    review.put("apiVersion", API_VERSION);
    review.put("kind", KIND);
    ObjectNode q = review.putObject("request");
    q.put("uid", uid);
    q.set("kind", kind(r));
    q.set("resource", resource(r));
    putIfNotEmpty(q, "subResource", r.subresource());
    q.set("requestKind", kind(r));
    q.set("requestResource", resource(r));
    putIfNotEmpty(q, "requestSubResource", r.subresource());
    putIfNotEmpty(q, "name", r.name());
    putIfNotEmpty(q, "namespace", namespace(r));
    q.put("operation", r.operation().name());
    q.set("userInfo", userInfo(r.user()));
    q.set("object", r.object() == null ? NODES.nullNode() : r.object());
    q.set("oldObject", r.oldObject() == null ? NODES.nullNode() : r.oldObject());
    q.put("dryRun", r.dryRun());
    q.set("options", options(r));
    return review;
  }

  /**
   * Reads a webhook's answer to the request with {@code uid}; {@code mutating} webhooks may
   * send a patch.
   */
  static Reply reply(byte[] body, String uid, boolean mutating) throws CallFailure {
    JsonNode review;
    try {
      review = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new CallFailure("failed to call webhook: the response is not JSON: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CallFailure("failed to call webhook: " + e.getMessage());
    }
    if (review == null || !review.isObject()) {
      throw new CallFailure("failed to call webhook: the response is not a JSON object");
    }
    String gvk = review.path("apiVersion").asText("") + ", Kind=" + review.path("kind").asText("");
    if (!gvk.equals(API_VERSION + ", Kind=" + KIND)) {
      throw invalid("expected webhook response of " + API_VERSION + ", Kind=" + KIND + ", got "
          + gvk);
    }
    JsonNode response = review.path("response");
    if (!response.isObject()) {
      throw invalid("webhook response was absent");
    }
    String got = response.path("uid").asText("");
    if (!got.equals(uid)) {
      throw invalid("expected response.uid=\"" + uid + "\", got \"" + got + "\"");
    }
    JsonNode patch = patch(response, mutating);
    JsonNode status = response.path("status");
    List<String> warnings = new ArrayList<>();
    for (JsonNode w : response.path("warnings")) {
      warnings.add(w.asText());
    }
    return new Reply(response.path("allowed").asBoolean(false), status.path("code").asInt(0),
        status.path("reason").asText(""), status.path("message").asText(""), patch, warnings);
  }

  private static JsonNode patch(JsonNode response, boolean mutating) throws CallFailure {
    boolean hasPatch = response.hasNonNull("patch") && !response.get("patch").asText().isEmpty();
    boolean hasType = response.hasNonNull("patchType");
    if (!mutating) {
      if (hasPatch) {
        throw invalid("validating webhook may not return response.patch");
      }
      if (hasType) {
        throw invalid("validating webhook may not return response.patchType");
      }
      return null;
    }
    if (hasPatch && !hasType) {
      throw invalid("webhook returned response.patch but not response.patchType");
    }
    if (!hasPatch && hasType) {
      throw invalid("webhook returned response.patchType but not response.patch");
    }
    if (!hasPatch) {
      return null;
    }
    String type = response.get("patchType").asText("");
    if (!type.equals("JSONPatch")) {
      throw new CallFailure("unsupported patch type \"" + type + "\"");
    }
    try {
      return JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
    } catch (IllegalArgumentException | IOException e) {
      throw new CallFailure("received undecodable patch in webhook response: " + e.getMessage());
    }
  }

  private static CallFailure invalid(String why) {
    return new CallFailure("received invalid webhook response: " + why);
  }

  private static ObjectNode kind(AdmissionRequest r) {
    ObjectNode k = NODES.objectNode();
    k.put("group", r.group());
    k.put("version", r.version());
    k.put("kind", r.kind());
    return k;
  }

  private static ObjectNode resource(AdmissionRequest r) {
    ObjectNode k = NODES.objectNode();
    k.put("group", r.group());
    k.put("version", r.version());
    k.put("resource", r.resource());
    return k;
  }

  /**
   * As kube-apiserver, whose request info takes the namespace of a request on a namespace
   * from the URL: the Namespace's own name, except when it is being created.
   */
  private static String namespace(AdmissionRequest r) {
    if (MatchResources.isNamespace(r) && r.operation() != Operation.CREATE) {
      return r.name();
    }
    return r.namespace();
  }

  private static ObjectNode userInfo(UserInfo user) {
    ObjectNode u = NODES.objectNode();
    u.put("username", user.name());
    putIfNotEmpty(u, "uid", user.uid());
    if (!user.groups().isEmpty()) {
      ArrayNode groups = u.putArray("groups");
      user.groups().forEach(groups::add);
    }
    if (!user.extra().isEmpty()) {
      ObjectNode extra = u.putObject("extra");
      for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
        ArrayNode values = extra.putArray(e.getKey());
        e.getValue().forEach(values::add);
      }
    }
    return u;
  }

  /** The operation's options object (CreateOptions, UpdateOptions, DeleteOptions). */
  private static JsonNode options(AdmissionRequest r) {
    String kind = switch (r.operation()) {
      case CREATE -> "CreateOptions";
      case UPDATE -> "UpdateOptions";
      case DELETE -> "DeleteOptions";
      case CONNECT -> null;
    };
    if (kind == null) {
      return NODES.nullNode();
    }
    ObjectNode o = NODES.objectNode();
    o.put("kind", kind);
    o.put("apiVersion", "meta.k8s.io/v1");
    if (r.dryRun()) {
      o.putArray("dryRun").add("All");
    }
    return o;
  }

  private static void putIfNotEmpty(ObjectNode n, String field, String value) {
    if (value != null && !value.isEmpty()) {
      n.put(field, value);
    }
  }
}
