package dev.keelson.admission.policy;

/**
 * A failed validation of one policy for one binding and param: {@code message} is what the
 * client reads, {@code reason} the Status reason when it denies (Invalid unless the
 * validation says otherwise; evaluation errors under failurePolicy Fail are Invalid too).
 */
record Decision(String message, String reason) {
  static final String INVALID = "Invalid";

  static Decision error(String message) {
    return new Decision(message, INVALID);
  }
}
