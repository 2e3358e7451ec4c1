package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.MutableClock;
import dev.postern.testing.OpenSshd;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import dev.postern.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our certificates and KRLs against the real thing: Debian's sshd trusting our user CA and reading our KRL,
 * and the real ssh client logging in with our certificate (and trusting our host CA).
 */
class OpenSshdCaIT {
    @TempDir
    Path tmp;
    private final MutableClock clock = MutableClock.atWallTime();
    private KeySealer sealer;
    private CertificateAuthority userCa;
    private Path caPub;
    private Path krl;

    @BeforeEach
    void setUp() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        sealer = new KeySealer(master);
        userCa = CertificateAuthority.open(sealer, CertificateAuthority.generate(sealer, "org:t/user-ca"),
                "org:t/user-ca");
        caPub = Files.writeString(tmp.resolve("user_ca.pub"), userCa.publicKeyLine() + "\n");
        krl = tmp.resolve("revoked.krl");
        writeKrl(List.of(), 1);
    }

    @Test
    void sshLogsInWithOurCertificateUntilTheKrlRevokesIt() throws Exception {
        try (OpenSshd sshd = OpenSshd.start(tmp.resolve("sshd"),
                List.of("TrustedUserCAKeys " + caPub, "RevokedKeys " + krl))) {
            Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
            Path key = SshKeygen.generate(tmp, "id_ed25519", "ed25519");
            Path cert = writeUserCert(key, 31337, List.of("root"));

            ProcessResult ok = ssh(sshd, key, cert, knownHosts);
            assertThat(ok.exitCode()).as("login with our certificate\n%s\nsshd log:\n%s", ok, sshd.log()).isZero();
            assertThat(ok.stdout()).isEqualTo("ok\n");

            writeKrl(List.of(5L, 31337L), 2);

            ProcessResult refused = ssh(sshd, key, cert, knownHosts);
            assertThat(refused.exitCode()).as("login after revocation\n%s", refused).isEqualTo(255);
            assertThat(refused.stderr()).contains("Permission denied");
            awaitTrue(() -> sshd.log().contains("revoked"), Duration.ofSeconds(10),
                    () -> "sshd did not log the revocation:\n" + sshd.log());
        }
    }

    @Test
    void certificateForAnotherPrincipalCannotLogInAsRoot() throws Exception {
        try (OpenSshd sshd = OpenSshd.start(tmp.resolve("sshd"),
                List.of("TrustedUserCAKeys " + caPub, "RevokedKeys " + krl))) {
            Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
            Path key = SshKeygen.generate(tmp, "id_ed25519", "ed25519");
            Path cert = writeUserCert(key, 7, List.of("alice"));

            ProcessResult r = ssh(sshd, key, cert, knownHosts);

            assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
            assertThat(r.stderr()).contains("Permission denied");
        }
    }

    @Test
    void clientTrustsSshdThroughOurHostCertificate() throws Exception {
        CertificateAuthority hostCa = CertificateAuthority.open(sealer,
                CertificateAuthority.generate(sealer, "org:t/host-ca"), "org:t/host-ca");
        Path sshdDir = Files.createDirectories(tmp.resolve("sshd"));
        Path hostKey = SshKeygen.generate(sshdDir, "ssh_host_ed25519_key", "ed25519");
        SignedCertificate hostCert = hostCa.signHost(new HostCertRequest(SshKeygen.publicKeyLine(hostKey), 99,
                "test sshd", List.of("127.0.0.1", "localhost"), clock.instant().minusSeconds(60),
                clock.instant().plus(Duration.ofHours(1))));
        Path hostCertFile = Files.writeString(SshKeygen.certificateFile(hostKey), hostCert.certificateLine() + "\n");

        try (OpenSshd sshd = OpenSshd.start(sshdDir, List.of("TrustedUserCAKeys " + caPub,
                "HostCertificate " + hostCertFile))) {
            // only the CA is known: no plain host key line for this server
            Path knownHosts = Files.writeString(tmp.resolve("known_hosts"),
                    "@cert-authority * " + hostCa.publicKeyLine() + "\n");
            Path key = SshKeygen.generate(tmp, "id_ed25519", "ed25519");
            Path cert = writeUserCert(key, 8, List.of("root"));

            ProcessResult r = ssh(sshd, key, cert, knownHosts);

            assertThat(r.exitCode()).as("%s\nsshd log:\n%s", r, sshd.log()).isZero();
            assertThat(r.stdout()).isEqualTo("ok\n");
        }
    }

    private Path writeUserCert(Path key, long serial, List<String> principals) throws Exception {
        Instant now = clock.instant();
        SignedCertificate cert = userCa.signUser(new UserCertRequest(SshKeygen.publicKeyLine(key), serial,
                "it@postern.dev", principals, now.minusSeconds(60), now.plus(Duration.ofHours(1)),
                UserCertRequest.defaultExtensions(), Map.of()));
        return Files.writeString(SshKeygen.certificateFile(key), cert.certificateLine() + "\n");
    }

    /** Replaces the KRL atomically: sshd re-reads it on every authentication attempt. */
    private void writeKrl(List<Long> serials, long version) throws Exception {
        Path next = Files.write(tmp.resolve("revoked.krl.next"),
                Krl.write(userCa.publicKeyLine(), serials, version, clock.instant(), "it"));
        Files.move(next, krl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ProcessResult ssh(OpenSshd sshd, Path key, Path cert, Path knownHosts) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "none",
                "-i", key.toString(),
                "-o", "CertificateFile=" + cert,
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10",
                "-p", Integer.toString(sshd.port()),
                "root@127.0.0.1", "echo", "ok"));
        return Processes.run(Duration.ofSeconds(30), cmd);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration bound, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(why.get());
            }
            Thread.sleep(20);
        }
    }
}
