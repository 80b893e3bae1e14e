/**
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration/v1):
 * {@link dev.keelson.admission.policy.ValidatingPolicies} is the plugin. Not implemented:
 * auditAnnotations (read, never evaluated), status.typeChecking (the errors are available from
 * {@link dev.keelson.admission.policy.ValidatingPolicies#compileErrors()}), and the audit
 * log: Audit actions are written to a logger instead of audit events. Matching
 * (matchConstraints, matchResources) is {@link dev.keelson.admission.match.MatchResources},
 * shared with admission webhooks: matchPolicy Equivalent, the default, ignores the version.
 */
package dev.keelson.admission.policy;
