package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KRLs checked by the oracle: the real {@code ssh-keygen -Q}. */
class KrlIT {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path tmp;
    private CertificateAuthority ca;
    private CertificateAuthority otherCa;

    @BeforeEach
    void newCas() {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeySealer sealer = new KeySealer(master);
        ca = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "a"), "a");
        otherCa = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "b"), "b");
    }

    @Test
    void revokedSerialIsReportedRevokedAndOthersOk() throws Exception {
        Path revoked = certFile(ca, "revoked", 1001);
        Path kept = certFile(ca, "kept", 1002);
        Path krl = Files.write(tmp.resolve("krl"), Krl.write(ca.publicKeyLine(), List.of(77L, 1001L, 5L), 3, NOW,
                "test list"));

        ProcessResult both = SshKeygen.queryKrl(krl, revoked, kept);

        assertThat(both.exitCode()).as("%s", both).isNotZero();
        assertThat(both.stdout()).contains(revoked + " (alice): REVOKED");
        assertThat(both.stdout()).contains(kept + " (alice): ok");
        ProcessResult keptOnly = SshKeygen.queryKrl(krl, kept);
        assertThat(keptOnly.exitCode()).as("%s", keptOnly).isZero();
    }

    @Test
    void sameSerialFromAnotherCaIsNotRevoked() throws Exception {
        Path foreign = certFile(otherCa, "foreign", 1001);
        Path krl = Files.write(tmp.resolve("krl"), Krl.write(ca.publicKeyLine(), List.of(1001L), 1, NOW, ""));

        ProcessResult r = SshKeygen.queryKrl(krl, foreign);

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).contains(": ok");
    }

    @Test
    void emptyKrlParsesAndRevokesNothing() throws Exception {
        Path cert = certFile(ca, "any", 1);
        Path krl = Files.write(tmp.resolve("krl"), Krl.write(ca.publicKeyLine(), List.of(), 0, NOW, null));

        ProcessResult r = SshKeygen.queryKrl(krl, cert);

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).contains(cert + " (alice): ok");
        assertThat(r.stderr()).doesNotContain("invalid format");
    }

    @Test
    void listingShowsVersionCommentAndSerials() throws Exception {
        Path krl = Files.write(tmp.resolve("krl"), Krl.write(ca.publicKeyLine(), List.of(9L, 3L, 9L), 12, NOW,
                "acme revocations"));

        ProcessResult r = dev.postern.testing.Processes.run(java.time.Duration.ofSeconds(30),
                List.of("ssh-keygen", "-Q", "-l", "-f", krl.toString()));

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).contains("# KRL version 12");
        assertThat(r.stdout()).contains("# Comment: acme revocations");
        assertThat(r.stdout()).contains("# CA key ssh-ed25519 " + ca.fingerprint());
        assertThat(r.stdout()).containsSubsequence("serial: 3\n", "serial: 9\n");
    }

    @Test
    void aRetiredCaKeyRevokesEveryCertificateItSignedAndSerialsStayRevokedUnderEveryCa() throws Exception {
        Path oldRevoked = certFile(otherCa, "old-revoked", 1001);
        Path oldKept = certFile(otherCa, "old-kept", 1002);
        Path newRevoked = certFile(ca, "new-revoked", 1003);
        Path newKept = certFile(ca, "new-kept", 1004);
        Path krl = Files.write(tmp.resolve("krl"), Krl.write(List.of(ca.publicKeyLine(), otherCa.publicKeyLine()),
                List.of(1001L, 1003L), List.of(otherCa.publicKeyLine()), 4, NOW, "rotated"));

        ProcessResult r = SshKeygen.queryKrl(krl, oldRevoked, oldKept, newRevoked, newKept);

        assertThat(r.stdout()).contains(oldRevoked + " (alice): REVOKED", oldKept + " (alice): REVOKED",
                newRevoked + " (alice): REVOKED", newKept + " (alice): ok");
        ProcessResult listing = dev.postern.testing.Processes.run(java.time.Duration.ofSeconds(30),
                List.of("ssh-keygen", "-Q", "-l", "-f", krl.toString()));
        assertThat(listing.exitCode()).as("%s", listing).isZero();
        // the old CA's revoked serial is still listed for it, not only covered by the revoked CA key
        assertThat(listing.stdout()).contains("# CA key ssh-ed25519 " + otherCa.fingerprint(),
                "# CA key ssh-ed25519 " + ca.fingerprint(), "serial: 1001");
    }

    private Path certFile(CertificateAuthority signer, String name, long serial) throws Exception {
        Path key = SshKeygen.generate(tmp, name, "ed25519");
        SignedCertificate cert = signer.signUser(new UserCertRequest(SshKeygen.publicKeyLine(key), serial, name,
                List.of("alice"), NOW, NOW.plusSeconds(3600), UserCertRequest.defaultExtensions(), Map.of()));
        Path file = SshKeygen.certificateFile(key);
        // comment "(alice)" in ssh-keygen -Q output comes from the line's comment field
        return Files.writeString(file, cert.certificateLine() + " alice\n");
    }
}
