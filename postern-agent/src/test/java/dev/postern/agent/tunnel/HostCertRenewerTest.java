package dev.postern.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

/** What the agent takes as a renewed host certificate, whoever answered, and when it asks. */
class HostCertRenewerTest {
    private final KeyPair ca = key();
    private final KeyPair host = key();
    private final List<String> names = List.of("m1.vm.web.internal", "web.internal");

    @Test
    void renewsAtTwoThirdsOfTheLifetimeAndNeverForAForeverCertificate() throws Exception {
        OpenSshCertificate c = cert(OpenSshCertificate.Type.HOST, host.getPublic(), names, 3000, 3000 + 900);
        assertThat(HostCertRenewer.renewAt(c)).contains(Instant.ofEpochSecond(3600));
        OpenSshCertificate forever = cert(OpenSshCertificate.Type.HOST, host.getPublic(), names, 0,
                OpenSshCertificate.INFINITY);
        assertThat(HostCertRenewer.renewAt(forever)).isEmpty();
    }

    @Test
    void takesOnlyALaterHostCertificateForTheSameKeyAndNames() throws Exception {
        OpenSshCertificate current = cert(OpenSshCertificate.Type.HOST, host.getPublic(), names, 1000, 2000);
        OpenSshCertificate later = cert(OpenSshCertificate.Type.HOST, host.getPublic(), names, 1500, 3000);
        assertThat(HostCertRenewer.checked(later, current)).isSameAs(later);

        assertThatThrownBy(() -> HostCertRenewer.checked(host.getPublic(), current))
                .hasMessageContaining("other than a host certificate");
        assertThatThrownBy(() -> HostCertRenewer.checked(cert(OpenSshCertificate.Type.USER, host.getPublic(), names,
                1500, 3000), current)).hasMessageContaining("other than a host certificate");
        assertThatThrownBy(() -> HostCertRenewer.checked(cert(OpenSshCertificate.Type.HOST, key().getPublic(), names,
                1500, 3000), current)).hasMessageContaining("for another key");
        assertThatThrownBy(() -> HostCertRenewer.checked(cert(OpenSshCertificate.Type.HOST, host.getPublic(),
                List.of("m2.vm.web.internal", "web.internal"), 1500, 3000), current))
                .hasMessageContaining("names [m2.vm.web.internal");
        assertThatThrownBy(() -> HostCertRenewer.checked(cert(OpenSshCertificate.Type.HOST, host.getPublic(), names,
                1500, 2000), current)).hasMessageContaining("no later than the current one");
    }

    private OpenSshCertificate cert(OpenSshCertificate.Type type, PublicKey subject, List<String> principals,
                                    long after, long before) throws Exception {
        OpenSshCertificateBuilder b = type == OpenSshCertificate.Type.HOST ? OpenSshCertificateBuilder.hostCertificate()
                : OpenSshCertificateBuilder.userCertificate();
        return b.publicKey(subject).serial(1).id("m1")
                .principals(principals).validAfter(after).validBefore(before).sign(ca, "ssh-ed25519");
    }

    private static KeyPair key() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
