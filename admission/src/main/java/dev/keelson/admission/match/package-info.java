/**
 * Which requests an admission configuration applies to, as admissionregistration/v1 writes it,
 * shared by admission webhooks and ValidatingAdmissionPolicy:
 * {@link dev.keelson.admission.match.MatchResources} (rules, exclusions, namespace and object
 * selectors, matchPolicy), built of {@link dev.keelson.admission.match.ResourceRule}s and
 * auth-rbac's {@link dev.keelson.auth.rbac.LabelSelector} (read by
 * {@link dev.keelson.admission.match.LabelSelectors}).
 *
 * <p>Where this differs from Kubernetes: label keys and values in selectors are not checked
 * for syntax (a malformed key simply matches nothing); matchPolicy Equivalent ignores the
 * version, as every type is served at one version; a Namespace is recognized by group "" and
 * resource "namespaces" (Kubernetes' namespace matcher looks at the resource name alone).
 */
package dev.keelson.admission.match;
