package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;

/**
 * Keys too weak to vouch for (RSA under 2048 bits, DSA) and the CA's own key are never certified: a
 * certificate on a factorable key hands the login to whoever factors it.
 */
class WeakSubjectKeyTest {
    private static final Instant A = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant B = Instant.parse("2025-01-02T00:00:00Z");

    @Test
    void rsaUnder2048BitsIsRefusedForUsersAndHostsWithTheSizeAndTheFix() throws Exception {
        String rsa1024 = rsa(1024);
        assertThatThrownBy(() -> user(rsa1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is an RSA key of 1024 bits")
                .hasMessageContaining("at least 2048 bits")
                .hasMessageContaining("ssh-keygen -t ed25519");
        assertThatThrownBy(() -> new HostCertRequest(rsa1024, 1, "m", List.of("h"), A, B))
                .hasMessageContaining("RSA key of 1024 bits");
        assertThatThrownBy(() -> user(rsa(2040))).hasMessageContaining("RSA key of 2040 bits");
    }

    @Test
    void rsaOf2048BitsIsStillCertified() throws Exception {
        assertThat(user(rsa(2048)).serial()).isEqualTo(1);
    }

    @Test
    void dsaIsRefusedWithTheFix() {
        // a syntactically valid ssh-dss line (p, q, g, y of a throwaway key are irrelevant: the type is refused)
        String dsa = "ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C2USZpRV1AIlH7WT2NWPq/xfW6MPb"
                + "LJUUbuVHcKM3Ibs6yRg== dsa";
        assertThatThrownBy(() -> user(dsa))
                .hasMessageContaining("ssh-dss")
                .hasMessageContaining("ssh-keygen -t ed25519");
    }

    @Test
    void theCaDoesNotCertifyItsOwnKey() {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeySealer sealer = new KeySealer(master);
        CertificateAuthority ca = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "c"), "c");
        assertThatThrownBy(() -> ca.signUser(user(ca.publicKeyLine() + " not-mine")))
                .hasMessageContaining("this CA's own public key");
        assertThatThrownBy(() -> ca.signHost(new HostCertRequest(ca.publicKeyLine(), 1, "m", List.of("h"), A, B)))
                .hasMessageContaining("this CA's own public key");
    }

    private static UserCertRequest user(String subject) {
        return new UserCertRequest(subject, 1, "alice", List.of("root"), A, B, UserCertRequest.defaultExtensions(),
                Map.of());
    }

    private static String rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return PublicKeyEntry.toString(g.generateKeyPair().getPublic());
    }
}
