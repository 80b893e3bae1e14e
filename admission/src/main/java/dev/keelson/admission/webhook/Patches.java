package dev.keelson.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import dev.keelson.admission.AdmissionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a mutating webhook's JSON Patch (RFC 6902) to the request's object, all or nothing.
 * The object is changed in place and its nested objects keep their identity where they are
 * still objects, so callers holding {@code metadata} (the registry does) see the change.
 */
final class Patches {
  /** Fields a webhook may not change: the object's type and identity. */
  private static final List<String> FIXED = List.of("/apiVersion", "/kind", "/metadata/name",
      "/metadata/namespace");

  private Patches() {}

  /**
   * Applies {@code patch} from webhook {@code webhook} to {@code object}; returns whether the
   * object changed. Throws {@link CallFailure} for a patch that is not a JSON Patch (the
   * webhook's fault, so its failurePolicy decides), {@link AdmissionException} (500) for one
   * that does not apply, that changes a {@link #FIXED} field, or that is not empty when there
   * is no object ({@code object} null: a DELETE).
   */
  static boolean apply(String webhook, ObjectNode object, JsonNode patch) throws CallFailure {
    try {
      JsonPatch.validate(patch);
    } catch (InvalidJsonPatchException e) {
      throw new CallFailure("received undecodable patch in webhook response: "
          + e.getMessage());
    }
    if (patch.isEmpty()) {
      return false;
    }
    if (object == null) {
      throw Failures.internal("admission webhook \"" + webhook + "\" attempted to modify the "
          + "object, which is not supported for this operation");
    }
    JsonNode patched;
    try {
      patched = JsonPatch.apply(patch, object);
    } catch (JsonPatchApplicationException e) {
      throw Failures.internal(e.getMessage());
    }
    if (!patched.isObject()) {
      throw Failures.internal("admission webhook \"" + webhook + "\" replaced the object with "
          + "something that is not an object");
    }
    for (String field : FIXED) {
      JsonNode before = object.at(field);
      JsonNode after = patched.at(field);
      if (!before.equals(after)) {
        throw Failures.internal("admission webhook \"" + webhook + "\" attempted to change "
            + field.substring(1).replace('/', '.') + " from " + before + " to " + after
            + ", which is not allowed");
      }
    }
    if (patched.equals(object)) {
      return false;
    }
    copyInto(object, (ObjectNode) patched);
    return true;
  }

  /** Makes {@code target} equal to {@code source}, reusing target's nested objects. */
  private static void copyInto(ObjectNode target, ObjectNode source) {
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : target.properties()) {
      if (!source.has(e.getKey())) {
        gone.add(e.getKey());
      }
    }
    target.remove(gone);
    for (Map.Entry<String, JsonNode> e : source.properties()) {
      JsonNode mine = target.get(e.getKey());
      if (mine instanceof ObjectNode m && e.getValue() instanceof ObjectNode s) {
        copyInto(m, s);
      } else if (mine == null || !mine.equals(e.getValue())) {
        target.set(e.getKey(), e.getValue());
      }
    }
  }
}
