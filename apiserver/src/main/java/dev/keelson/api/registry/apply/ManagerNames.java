package dev.keelson.api.registry.apply;

import dev.keelson.api.registry.WriteOptions;

/**
 * The manager of a write that names none: as in Kubernetes, the client's User-Agent up to its
 * first '/' ({@code kubectl/v1.32.4 (linux/amd64) ...} is {@code kubectl}), printable characters
 * only, at most 128 of them; {@link FieldManager#UNKNOWN} without a User-Agent.
 */
public final class ManagerNames {
  private static final int MAX = 128;

  private ManagerNames() {}

  public static String fromUserAgent(String userAgent) {
    if (userAgent == null) {
      return FieldManager.UNKNOWN;
    }
    int slash = userAgent.indexOf('/');
    String prefix = slash >= 0 ? userAgent.substring(0, slash) : userAgent;
    StringBuilder b = new StringBuilder();
    prefix.codePoints().filter(ManagerNames::printable).limit(MAX).forEach(b::appendCodePoint);
    return b.isEmpty() ? FieldManager.UNKNOWN : b.toString();
  }

  /** {@code w} with its field manager, or the one the User-Agent names if it has none. */
  public static WriteOptions defaulted(WriteOptions w, String userAgent) {
    return w.fieldManager() != null && !w.fieldManager().isEmpty() ? w
        : w.withFieldManager(fromUserAgent(userAgent));
  }

  private static boolean printable(int cp) {
    return cp == ' ' || !Character.isISOControl(cp) && Character.isDefined(cp)
        && Character.getType(cp) != Character.FORMAT && !Character.isSpaceChar(cp)
        && Character.getType(cp) != Character.SURROGATE;
  }
}
