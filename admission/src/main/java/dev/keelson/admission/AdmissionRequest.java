package dev.keelson.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.authn.UserInfo;

/**
 * One write as admission sees it (AdmissionReview's request): the operation, the resource and
 * kind, where, by whom, the object after the write ({@code object}, null for DELETE; mutating
 * plugins may change it) and before it ({@code oldObject}, null for CREATE).
 */
public record AdmissionRequest(Operation operation, String group, String version, String kind,
    String resource, String subresource, String namespace, String name, ObjectNode object,
    ObjectNode oldObject, UserInfo user, boolean dryRun) {
  /** Kubernetes' admission operations. */
  public enum Operation { CREATE, UPDATE, DELETE, CONNECT }
}
