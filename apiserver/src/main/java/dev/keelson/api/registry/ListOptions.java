package dev.keelson.api.registry;

/**
 * A list (or watch) request's options, as given in the query string; {@code resourceVersion}
 * null when absent, {@code limit} 0 when absent.
 */
public record ListOptions(String labelSelector, String fieldSelector, long limit,
    String continueToken, String resourceVersion, String resourceVersionMatch) {
  public static final ListOptions ALL = new ListOptions(null, null, 0, null, null, null);
}
