/**
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration/v1):
 * {@link dev.keelson.admission.policy.ValidatingPolicies} is the plugin. Not implemented:
 * auditAnnotations (read, never evaluated), matchPolicy Equivalent (matches as Exact),
 * status.typeChecking (the errors are available from
 * {@link dev.keelson.admission.policy.ValidatingPolicies#compileErrors()}), and the audit
 * log: Audit actions are written to a logger instead of audit events.
 */
package dev.keelson.admission.policy;
