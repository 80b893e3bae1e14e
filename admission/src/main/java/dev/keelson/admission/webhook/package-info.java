/**
 * Dynamic admission webhooks: {@link dev.keelson.admission.webhook.Webhooks} is kube-apiserver's
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins, fed the stored
 * admissionregistration.k8s.io/v1 configurations by a controller.
 *
 * <pre>
 *   Webhooks ── update() ──▶ WebhookConfigs ──▶ immutable List&lt;Webhook&gt;
 *      │                                        (MatchResources, MatchConditions, ClientConfig)
 *      │ admit()    ──▶ MutatingDispatcher   ─┐   Matching: match.MatchResources, then
 *      │                                      │   cel.MatchConditions
 *      │ validate() ──▶ ValidatingDispatcher ─┴─▶ Caller ──▶ Clients (TLS), ServiceResolver
 *      │                                            └──▶ Reviews (AdmissionReview v1)
 *      └─ refusals worded by Failures; patches applied by Patches
 * </pre>
 *
 * <p>Where this differs from kube-apiserver 1.32, on purpose or for now:
 * <ul>
 *   <li>Only AdmissionReview v1 is spoken: a webhook whose admissionReviewVersions lacks "v1"
 *       is skipped. Every type is served in one version, so matchPolicy Equivalent matches a
 *       rule's group and resource in any version, and no conversion happens.
 *   <li>A denial without an error code is 403, as 1.33 (1.32 answers 500); a refusal reason is
 *       derived from the code when the webhook gives none.
 *   <li>Validating webhooks run in parallel, but of several refusals the first in calling order
 *       is reported (Kubernetes: the first to finish). A dry run that meets a webhook with side
 *       effects is refused before any validating webhook is called.
 *   <li>A patch may not change apiVersion, kind, metadata.name or metadata.namespace (500).
 *   <li>A Service webhook is called at a ready endpoint's address (masters run no proxy); the
 *       HTTP Host header is that address, while SNI and the certificate check use
 *       {@code <name>.<namespace>.svc}.
 *   <li>A match condition that does not compile (Kubernetes refuses it when the configuration
 *       is written) fails each evaluation and the webhook's failurePolicy decides, as for
 *       ValidatingAdmissionPolicy; it is logged on every update. Match conditions see
 *       {@code object}, {@code oldObject} and {@code request}, not {@code authorizer}.
 *   <li>Not done: audit annotations, metrics, client certificates to webhooks (the
 *       AdmissionConfiguration kubeconfig), and the API-server egress selector.
 * </ul>
 */
package dev.keelson.admission.webhook;
