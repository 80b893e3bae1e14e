/**
 * The cluster's PKI: a certificate authority, the certificates it issues to the apiserver and to
 * clients, PEM and key-store conversion, and the files ({@link dev.keelson.auth.pki.LocalPki},
 * {@link dev.keelson.auth.pki.Kubeconfig}) a local cluster needs.
 *
 * <p>Kubernetes authenticates an X.509 client as the user named by the subject's CN, in the
 * groups named by its O attributes; {@link dev.keelson.auth.pki.CertificateAuthority#issueClient}
 * builds subjects that way.
 */
package dev.keelson.auth.pki;
