package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificates checked by the oracle: the real {@code ssh-keygen -L}. */
class CertificateAuthorityIT {
    private static final Instant AFTER = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant BEFORE = Instant.parse("2025-03-02T10:00:00Z");

    @TempDir
    Path tmp;
    private CertificateAuthority ca;
    private Path caPub;

    @BeforeEach
    void newCa() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeySealer sealer = new KeySealer(master);
        ca = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "org:acme/user-ca"),
                "org:acme/user-ca");
        caPub = Files.writeString(tmp.resolve("ca.pub"), ca.publicKeyLine() + "\n");
    }

    @Test
    void caPublicKeyLineIsAnEd25519KeyWhoseFingerprintMatchesSshKeygen() {
        assertThat(ca.publicKeyLine()).startsWith("ssh-ed25519 AAAA");
        assertThat(ca.fingerprint()).isEqualTo(SshKeygen.fingerprint(caPub));
    }

    @Test
    void userCertificateShowsEveryRequestedField() throws Exception {
        Path key = SshKeygen.generate(tmp, "alice", "ed25519");
        SignedCertificate cert = ca.signUser(new UserCertRequest(SshKeygen.publicKeyLine(key), 4242,
                "alice@example.com", List.of("root", "alice"), AFTER, BEFORE, UserCertRequest.defaultExtensions(),
                Map.of()));
        Path certFile = Files.writeString(SshKeygen.certificateFile(key), cert.certificateLine() + "\n");

        String listing = SshKeygen.list(certFile);

        assertThat(cert.certificateLine()).startsWith("ssh-ed25519-cert-v01@openssh.com AAAA");
        assertThat(listing).contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate");
        assertThat(listing).contains("Key ID: \"alice@example.com\"");
        assertThat(listing).contains("Serial: 4242");
        assertThat(listing).contains("Signing CA: ED25519 " + SshKeygen.fingerprint(caPub) + " (using ssh-ed25519)");
        assertThat(listing).contains("Public key: ED25519-CERT " + SshKeygen.fingerprint(Path.of(key + ".pub")));
        assertThat(listing).contains("Valid: from " + local(AFTER) + " to " + local(BEFORE));
        assertThat(listing).containsPattern("Principals: \n\\s+root\n\\s+alice\n");
        assertThat(listing).containsPattern("Critical Options: \\(none\\)");
        assertThat(listing).containsPattern(
                "Extensions: \n\\s+permit-agent-forwarding\n\\s+permit-port-forwarding\n\\s+permit-pty\n");
        assertThat(cert.publicKeyFingerprint()).isEqualTo(SshKeygen.fingerprint(Path.of(key + ".pub")));
        assertThat(cert.serial()).isEqualTo(4242);
        assertThat(cert.principals()).containsExactly("root", "alice");
        assertThat(cert.validAfter()).isEqualTo(AFTER);
        assertThat(cert.validBefore()).isEqualTo(BEFORE);
    }

    @Test
    void criticalOptionsAppearWhenRequested() throws Exception {
        Path key = SshKeygen.generate(tmp, "bot", "ed25519");
        SignedCertificate cert = ca.signUser(new UserCertRequest(SshKeygen.publicKeyLine(key), 7, "deploy-bot",
                List.of("deploy"), AFTER, BEFORE, Set.of(),
                Map.of("force-command", "/usr/bin/rsync --server", "source-address", "10.0.0.0/8,192.0.2.7")));
        Path certFile = Files.writeString(SshKeygen.certificateFile(key), cert.certificateLine() + "\n");

        String listing = SshKeygen.list(certFile);

        assertThat(listing).contains("force-command /usr/bin/rsync --server");
        assertThat(listing).contains("source-address 10.0.0.0/8,192.0.2.7");
        assertThat(listing).containsPattern("Extensions: \\(none\\)");
    }

    @Test
    void hostCertificateIsAHostCertificate() throws Exception {
        Path key = SshKeygen.generate(tmp, "host", "ed25519");
        SignedCertificate cert = ca.signHost(new HostCertRequest(SshKeygen.publicKeyLine(key), 9, "machine m-1",
                List.of("m-1.vm.web.internal", "web.internal", "fdaa::3"), AFTER, BEFORE));
        Path certFile = Files.writeString(SshKeygen.certificateFile(key), cert.certificateLine() + "\n");

        String listing = SshKeygen.list(certFile);

        assertThat(listing).contains("host certificate");
        assertThat(listing).doesNotContain("user certificate");
        assertThat(listing).contains("Key ID: \"machine m-1\"");
        assertThat(listing).containsPattern("Principals: \n\\s+m-1.vm.web.internal\n\\s+web.internal\n\\s+fdaa::3\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecdsa", "rsa"})
    void otherSubjectKeyTypesGetTheirCertificateType(String type) throws Exception {
        Path key = SshKeygen.generate(tmp, "k-" + type, type);
        SignedCertificate cert = ca.signUser(new UserCertRequest(SshKeygen.publicKeyLine(key), 11, "k",
                List.of("root"), AFTER, BEFORE, UserCertRequest.defaultExtensions(), Map.of()));
        Path certFile = Files.writeString(SshKeygen.certificateFile(key), cert.certificateLine() + "\n");

        String listing = SshKeygen.list(certFile);

        String expectedType = type.equals("rsa") ? "ssh-rsa-cert-v01@openssh.com"
                : "ecdsa-sha2-nistp256-cert-v01@openssh.com";
        assertThat(cert.certificateLine()).startsWith(expectedType + " ");
        assertThat(listing).contains("Type: " + expectedType + " user certificate");
        assertThat(listing).contains("Signing CA: ED25519 " + SshKeygen.fingerprint(caPub));
        assertThat(cert.publicKeyFingerprint()).isEqualTo(SshKeygen.fingerprint(Path.of(key + ".pub")));
    }

    /** ssh-keygen -L prints validity in local time as YYYY-MM-DDTHH:MM:SS. */
    private static String local(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
    }
}
