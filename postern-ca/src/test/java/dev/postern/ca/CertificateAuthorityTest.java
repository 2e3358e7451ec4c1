package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    private final KeySealer sealer = new KeySealer(random(32));

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Test
    void reopenedCaHasTheSameKey() {
        SealedCaKey stored = CertificateAuthority.generate(sealer, "org:a/user-ca");

        CertificateAuthority first = CertificateAuthority.open(sealer, stored, "org:a/user-ca");
        CertificateAuthority again = CertificateAuthority.open(sealer,
                new SealedCaKey(stored.publicKeyLine(), stored.sealedPrivateKey()), "org:a/user-ca");

        assertThat(first.publicKeyLine()).isEqualTo(stored.publicKeyLine()).isEqualTo(again.publicKeyLine());
        assertThat(first.publicKeyLine()).matches("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}");
    }

    @Test
    void eachGeneratedCaIsNew() {
        assertThat(CertificateAuthority.generate(sealer, "c").publicKeyLine())
                .isNotEqualTo(CertificateAuthority.generate(sealer, "c").publicKeyLine());
    }

    @Test
    void openingWithAnotherContextOrMasterKeyFails() {
        SealedCaKey stored = CertificateAuthority.generate(sealer, "org:a/user-ca");

        assertThatThrownBy(() -> CertificateAuthority.open(sealer, stored, "org:a/host-ca"))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("org:a/host-ca");
        assertThatThrownBy(() -> CertificateAuthority.open(new KeySealer(random(32)), stored, "org:a/user-ca"))
                .isInstanceOf(SealException.class);
    }

    @Test
    void privateKeyPairedWithAnotherPublicLineIsRefused() {
        SealedCaKey a = CertificateAuthority.generate(sealer, "c");
        SealedCaKey b = CertificateAuthority.generate(sealer, "c");

        assertThatThrownBy(() -> CertificateAuthority.open(sealer, new SealedCaKey(b.publicKeyLine(),
                a.sealedPrivateKey()), "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match its public key line");
    }

    @Test
    void sealedKeyRecordCopiesAndHidesTheBlob() {
        SealedCaKey stored = CertificateAuthority.generate(sealer, "c");
        byte[] blob = stored.sealedPrivateKey();
        blob[5] ^= 1;

        assertThat(stored.sealedPrivateKey()).isNotEqualTo(blob);
        assertThat(stored.toString()).contains(stored.publicKeyLine()).doesNotContain(
                Base64.getEncoder().encodeToString(stored.sealedPrivateKey()).substring(0, 12));
        assertThat(stored).isEqualTo(new SealedCaKey(stored.publicKeyLine(), stored.sealedPrivateKey()));
        assertThatThrownBy(() -> new SealedCaKey("ssh-rsa AAAA", new byte[1]))
                .hasMessageContaining("'ssh-rsa AAAA'");
    }

    @Test
    void signedCertificateCarriesWholeSecondsAndTheRequestFacts() {
        CertificateAuthority ca = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "c"), "c");
        String subject = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "s"), "s")
                .publicKeyLine();
        Instant after = Instant.parse("2025-01-01T00:00:00.750Z");

        SignedCertificate cert = ca.signUser(new UserCertRequest(subject, 12, "bob", List.of("bob"), after,
                after.plusSeconds(3600), UserCertRequest.defaultExtensions(), Map.of()));

        assertThat(cert.validAfter()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(cert.validBefore()).isEqualTo(Instant.parse("2025-01-01T01:00:00Z"));
        assertThat(cert.keyId()).isEqualTo("bob");
        assertThat(cert.publicKeyFingerprint()).startsWith("SHA256:").doesNotEndWith("=");
        assertThat(ca.toString()).isEqualTo("CertificateAuthority[" + ca.fingerprint() + "]");
    }
}
