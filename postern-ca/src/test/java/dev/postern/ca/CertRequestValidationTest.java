package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertRequestValidationTest {
    private static final Instant A = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant B = Instant.parse("2025-01-02T00:00:00Z");
    private static String key;
    private static String certLine;

    @BeforeAll
    static void keys() {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeySealer sealer = new KeySealer(master);
        CertificateAuthority ca = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "c"), "c");
        key = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "k"), "k").publicKeyLine()
                + " alice@laptop";
        certLine = ca.signUser(user(key, 1, List.of("root"))).certificateLine();
    }

    private static UserCertRequest user(String subject, long serial, List<String> principals) {
        return new UserCertRequest(subject, serial, "alice", principals, A, B, UserCertRequest.defaultExtensions(),
                Map.of());
    }

    @Test
    void validRequestKeepsItsValues() {
        UserCertRequest r = user(key, 5, List.of("root", "alice"));
        assertThat(r.principals()).containsExactly("root", "alice");
        assertThat(r.extensions()).containsExactlyInAnyOrder("permit-pty", "permit-port-forwarding",
                "permit-agent-forwarding");
    }

    @Test
    void serialMustBePositive() {
        assertThatThrownBy(() -> user(key, 0, List.of("root"))).hasMessage("serial must be > 0, got 0");
        assertThatThrownBy(() -> user(key, -3, List.of("root"))).hasMessageContaining("got -3");
    }

    @Test
    void principalsMustNotBeEmpty() {
        assertThatThrownBy(() -> user(key, 1, List.of())).hasMessageContaining("principals must not be empty");
        assertThatThrownBy(() -> user(key, 1, null)).hasMessageContaining("principals must not be empty");
    }

    @Test
    void principalWithCommaOrWhitespaceIsQuoted() {
        assertThatThrownBy(() -> user(key, 1, List.of("root,admin")))
                .hasMessageContaining("principal 'root,admin' must not contain commas");
        assertThatThrownBy(() -> user(key, 1, List.of("ro ot"))).hasMessageContaining("'ro ot'");
        assertThatThrownBy(() -> user(key, 1, List.of(""))).hasMessageContaining("empty entry");
    }

    @Test
    void validityMustBeOrdered() {
        assertThatThrownBy(() -> new UserCertRequest(key, 1, "a", List.of("root"), B, A, Set.of(), Map.of()))
                .hasMessageContaining("validAfter " + B + " must be before validBefore " + A);
        assertThatThrownBy(() -> new UserCertRequest(key, 1, "a", List.of("root"), A, A.plusMillis(500), Set.of(),
                Map.of())).hasMessageContaining("at least one second");
    }

    @Test
    void subjectMustBeAParseablePublicKey() {
        assertThatThrownBy(() -> user("ssh-ed25519 notbase64!!", 1, List.of("root")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ssh-ed25519 notbase64!!'");
        assertThatThrownBy(() -> user("hello", 1, List.of("root")))
                .hasMessageContaining("subjectPublicKeyLine 'hello' is not an OpenSSH public key line");
        assertThatThrownBy(() -> user(" ", 1, List.of("root"))).hasMessageContaining("subjectPublicKeyLine is required");
    }

    @Test
    void subjectMustNotBeACertificate() {
        assertThatThrownBy(() -> user(certLine, 1, List.of("root")))
                .hasMessageContaining("is a certificate (ssh-ed25519-cert-v01@openssh.com)")
                .hasMessageContaining("not -cert.pub");
    }

    @Test
    void subjectTypeAndBlobMustAgree() {
        String[] f = key.split(" ");
        assertThatThrownBy(() -> user("ssh-rsa " + f[1], 1, List.of("root")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not decode as a ssh-rsa key");
    }

    @Test
    void unknownCriticalOptionIsRefused() {
        assertThatThrownBy(() -> new UserCertRequest(key, 1, "a", List.of("root"), A, B, Set.of(),
                Map.of("no-such-option", "x")))
                .hasMessageContaining("critical option 'no-such-option' is not one OpenSSH knows");
    }

    @Test
    void sourceAddressMustNotContainSpaces() {
        assertThatThrownBy(() -> new UserCertRequest(key, 1, "a", List.of("root"), A, B, Set.of(),
                Map.of("source-address", "10.0.0.0/8, 192.0.2.1")))
                .hasMessageContaining("source-address '10.0.0.0/8, 192.0.2.1'");
    }

    @Test
    void keyIdIsRequired() {
        assertThatThrownBy(() -> new UserCertRequest(key, 1, " ", List.of("root"), A, B, Set.of(), Map.of()))
                .hasMessageContaining("keyId is required");
        assertThatThrownBy(() -> new HostCertRequest(key, 1, "a\nb", List.of("h"), A, B))
                .hasMessageContaining("control characters");
    }

    @Test
    void collectionsAreCopiedAndUnmodifiable() {
        List<String> principals = new ArrayList<>(List.of("root"));
        Set<String> ext = new HashSet<>(Set.of("permit-pty"));
        Map<String, String> opts = new HashMap<>(Map.of("force-command", "true"));
        UserCertRequest r = new UserCertRequest(key, 1, "a", principals, A, B, ext, opts);
        principals.add("evil");
        ext.add("permit-user-rc");
        opts.put("source-address", "0.0.0.0/0");

        assertThat(r.principals()).containsExactly("root");
        assertThat(r.extensions()).containsExactly("permit-pty");
        assertThat(r.criticalOptions()).containsOnlyKeys("force-command");
        assertThatThrownBy(() -> r.principals().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void hostRequestValidatesLikeUserRequest() {
        assertThat(new HostCertRequest(key, 1, "m-1", List.of("m-1.vm.web.internal"), A, B).principals())
                .containsExactly("m-1.vm.web.internal");
        assertThatThrownBy(() -> new HostCertRequest(certLine, 1, "m", List.of("h"), A, B))
                .hasMessageContaining("is a certificate");
        assertThatThrownBy(() -> new HostCertRequest(key, 1, "m", Collections.emptyList(), A, B))
                .hasMessageContaining("principals must not be empty");
    }
}
