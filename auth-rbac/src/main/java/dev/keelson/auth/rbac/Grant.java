package dev.keelson.auth.rbac;

import java.util.List;

/**
 * A binding with the rules of the role it references, resolved when a snapshot is built
 * (aggregation included; a missing role resolves to no rules).
 */
record Grant(Binding binding, List<PolicyRule> rules) {
}
