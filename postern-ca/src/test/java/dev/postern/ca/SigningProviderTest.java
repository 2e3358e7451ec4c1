package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.signature.AbstractSignature;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;

/**
 * MINA signs certificates through {@code BuiltinSignatures.ed25519}, whose JCA signature must come from
 * BouncyCastle: the JDK 17 SunEC EdDSA signs only about a thousand per second. Also prints the measured
 * single-thread signing rate (informational; no timing assertion).
 */
class SigningProviderTest {
    @Test
    void minaEd25519SignerResolvesToBouncyCastle() throws Exception {
        AbstractSignature signer = (AbstractSignature) BuiltinSignatures.ed25519.create();

        // the same call MINA's AbstractSignature.doInitSignature makes when the CA signs
        assertThat(SecurityUtils.getSignature(signer.getAlgorithm()).getProvider().getName()).isEqualTo("BC");
    }

    @Test
    void printsSingleThreadSigningRate() {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeySealer sealer = new KeySealer(master);
        CertificateAuthority ca = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "c"), "c");
        String subject = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "s"), "s")
                .publicKeyLine();
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        UserCertRequest request = new UserCertRequest(subject, 1, "bench", List.of("root"), t,
                t.plusSeconds(86400), UserCertRequest.defaultExtensions(), Map.of());

        for (int i = 0; i < 2000; i++) {
            ca.signUser(request);
        }
        int n = 5000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ca.signUser(request);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("CA signUser, single thread: %.0f certificates/s (%d in %.2f s)%n", n / seconds, n, seconds);
        assertThat(ca.signUser(request).certificateLine()).startsWith("ssh-ed25519-cert-v01@openssh.com ");
    }
}
