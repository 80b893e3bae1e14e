package dev.keelson.auth.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeyStoresTest {
  private static final CertificateAuthority CA =
      CertificateAuthority.create("stores-ca", Duration.ofDays(1));

  @Test
  void aKeyStoreHoldsTheKeyUnderItsAliasWithTheLeafFirstInTheChain() throws Exception {
    IssuedCert leaf = CA.issueServer("api", List.of("api"), List.of(), Duration.ofDays(1));

    KeyStore store = KeyStores.keyStore(leaf, CA.certificate());

    assertThat(Collections.list(store.aliases())).containsExactly(KeyStores.ALIAS);
    assertThat(store.getKey(KeyStores.ALIAS, KeyStores.PASSWORD)).isEqualTo(leaf.key());
    assertThat(store.getCertificateChain(KeyStores.ALIAS))
        .containsExactly(leaf.certificate(), CA.certificate());
  }

  @Test
  void aTrustStoreHoldsEachCaAsATrustedEntry() throws Exception {
    CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));

    KeyStore store = KeyStores.trustStore(CA.certificate(), other.certificate());

    assertThat(Collections.list(store.aliases())).hasSize(2).allSatisfy(alias ->
        assertThat(store.isCertificateEntry(alias)).isTrue());
    assertThat(store.getCertificateAlias(other.certificate())).isNotNull();
    assertThat(store.getCertificateAlias(CA.certificate())).isNotNull();
  }
}
