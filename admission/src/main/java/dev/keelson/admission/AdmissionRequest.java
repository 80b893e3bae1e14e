package dev.keelson.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.auth.authn.UserInfo;

/**
 * One write as admission sees it (AdmissionReview's request): the operation, the resource and
 * kind, where, by whom, the object after the write ({@code object}, null for DELETE; mutating
 * plugins may change it) and before it ({@code oldObject}, null for CREATE). {@code effects}
 * collects the request's warnings and companion writes.
 */
public record AdmissionRequest(Operation operation, String group, String version, String kind,
    String resource, String subresource, String namespace, String name, ObjectNode object,
    ObjectNode oldObject, UserInfo user, boolean dryRun, AdmissionEffects effects) {
  public AdmissionRequest {
    effects = effects == null ? new AdmissionEffects() : effects;
  }

  /** A request with fresh effects. */
  public AdmissionRequest(Operation operation, String group, String version, String kind,
      String resource, String subresource, String namespace, String name, ObjectNode object,
      ObjectNode oldObject, UserInfo user, boolean dryRun) {
    this(operation, group, version, kind, resource, subresource, namespace, name, object,
        oldObject, user, dryRun, new AdmissionEffects());
  }

  /** Kubernetes' admission operations. */
  public enum Operation { CREATE, UPDATE, DELETE, CONNECT }
}
