package dev.keelson.admission.cel;

/** An expression that does not parse or type-check; the message is CEL's, with positions. */
public final class CelCompileException extends Exception {
  public CelCompileException(String message) {
    super(message);
  }
}
