package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removed machines' host keys in a KRL (revoked keys of {@link Krl#write}), checked by {@code ssh-keygen -Q}. */
class RevokedHostKeysKrlIT {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    @TempDir
    Path tmp;

    @Test
    void aRevokedKeyAndEveryHostCertificateOfItAreRevokedOthersAreNot() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeySealer sealer = new KeySealer(master);
        CertificateAuthority user = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "u"), "u");
        CertificateAuthority host = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "h"), "h");
        Path removed = SshKeygen.generate(tmp, "removed", "ed25519");
        Path kept = SshKeygen.generate(tmp, "kept", "ed25519");
        Path removedCert = hostCert(host, removed, 7);
        Path keptCert = hostCert(host, kept, 8);
        byte[] krl = Krl.write(List.of(user.publicKeyLine()), List.of(3L),
                List.of(SshKeygen.publicKeyLine(removed), SshKeygen.publicKeyLine(removed)), 2, NOW, "org");
        Path file = Files.write(tmp.resolve("krl"), krl);

        ProcessResult r = SshKeygen.queryKrl(file, Path.of(removed + ".pub"), removedCert, Path.of(kept + ".pub"),
                keptCert);

        assertThat(r.stdout()).as(r.toString()).contains(removed + ".pub (removed): REVOKED",
                removedCert + " (removed): REVOKED", kept + ".pub (kept): ok", keptCert + " (kept): ok");
    }

    private Path hostCert(CertificateAuthority ca, Path key, long serial) throws Exception {
        SignedCertificate c = ca.signHost(new HostCertRequest(SshKeygen.publicKeyLine(key), serial, "m" + serial,
                List.of("m.vm.web.internal"), NOW, NOW.plusSeconds(3600)));
        String name = key.getFileName().toString();
        return Files.writeString(SshKeygen.certificateFile(key), c.certificateLine() + " " + name + "\n");
    }
}
