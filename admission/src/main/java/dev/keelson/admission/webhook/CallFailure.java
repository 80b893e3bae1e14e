package dev.keelson.admission.webhook;

/**
 * What Kubernetes calls an error calling a webhook: it could not be reached, did not answer in
 * time, or answered something that is not a valid AdmissionReview. The webhook's failurePolicy
 * decides whether the request goes on. The message is the detail after
 * {@code failed calling webhook "<name>": }.
 */
final class CallFailure extends Exception {
  CallFailure(String detail) {
    super(detail, null, false, false);
  }
}
