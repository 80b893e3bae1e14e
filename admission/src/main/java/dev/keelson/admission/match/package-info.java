/**
 * Which requests an admission configuration applies to, as admissionregistration/v1 writes it
 * (rules with operations, groups, versions, resources and scope; namespace and object label
 * selectors): shared by ValidatingAdmissionPolicy and admission webhooks.
 */
package dev.keelson.admission.match;
