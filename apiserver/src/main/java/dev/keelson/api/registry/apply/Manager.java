package dev.keelson.api.registry.apply;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Who owns a set of fields: one {@code managedFields} entry's identity. Updates are told apart by
 * API version too; an applier is one owner whatever version it applies with (Kubernetes'
 * {@code BuildManagerIdentifier}). {@code subresource} is "" for the main resource.
 */
record Manager(String name, Operation operation, String apiVersion, String subresource) {
  /** How the owner wrote its fields; {@link #wire()} is the {@code operation} value. */
  public enum Operation {
    APPLY("Apply"), UPDATE("Update");

    private final String wire;

    Operation(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The operation named {@code s}; IllegalArgumentException for anything else. */
    static Operation fromWire(String s) {
      for (Operation o : values()) {
        if (o.wire.equals(s)) {
          return o;
        }
      }
      throw new IllegalArgumentException("unknown operation: " + s);
    }
  }

  public Manager {
    if (name == null || operation == null) {
      throw new IllegalArgumentException("a manager needs a name and an operation");
    }
    apiVersion = operation == Operation.APPLY ? "" : apiVersion == null ? "" : apiVersion;
    subresource = subresource == null ? "" : subresource;
  }

  static Manager applier(String name, String subresource) {
    return new Manager(name, Operation.APPLY, "", subresource);
  }

  static Manager updater(String name, String apiVersion, String subresource) {
    return new Manager(name, Operation.UPDATE, apiVersion, subresource);
  }

  /**
   * The manager as conflict messages name it: {@code "kubectl" with subresource "scale" using
   * apps/v1} for an updater, {@code "kubectl"} for an applier.
   */
  String describe() {
    StringBuilder b = new StringBuilder(TextNode.valueOf(name).toString());
    if (!subresource.isEmpty()) {
      b.append(" with subresource ").append(TextNode.valueOf(subresource));
    }
    if (operation == Operation.UPDATE) {
      b.append(" using ").append(apiVersion);
    }
    return b.toString();
  }
}
