package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.Json;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.CertificateView;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import dev.postern.testing.OpenSshd;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern as the CA of a stock OpenSSH sshd (TrustedUserCAKeys + RevokedKeys fetched from the API, as a
 * machine's cron job would): the issued certificate logs in, and after {@code postern ssh revoke} and a
 * fresh KRL it does not.
 */
class SshdRevocationIT {
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane plane;

    @BeforeEach
    void start() {
        plane = Plane.start(tmp.resolve("data"), clock);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void realSshdAcceptsTheCertificateAndRefusesItAfterRevoke() throws Exception {
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        Path key = tmp.resolve("id_acme");
        ok(admin, "ssh", "issue", "acme", key.toString());
        CertificateView cert = Plane.log(admin, "acme").get(0);

        AuthorityView ca = Json.mapper().readValue(Plane.fetch(plane, "/v1/orgs/acme/ca"), AuthorityView.class);
        Path trusted = tmp.resolve("trusted_user_ca");
        Files.writeString(trusted, ca.userCaPublicKey().strip() + "\n");
        Path krl = tmp.resolve("revoked.krl");
        Files.write(krl, Plane.fetch(plane, "/v1/orgs/acme/revocations.krl"));

        try (OpenSshd sshd = OpenSshd.start(tmp.resolve("sshd"),
                List.of("TrustedUserCAKeys " + trusted, "RevokedKeys " + krl))) {
            Path knownHosts = tmp.resolve("known_hosts");
            Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
            ProcessResult before = ssh(sshd, key, knownHosts);
            assertThat(before.exitCode()).as(before + "\n--- sshd\n" + sshd.log()).isZero();
            assertThat(before.stdout().strip()).isEqualTo("ok");

            ok(admin, "ssh", "revoke", "acme", "--serial", Long.toString(cert.serial()));
            Files.write(krl, Plane.fetch(plane, "/v1/orgs/acme/revocations.krl"));

            ProcessResult after = ssh(sshd, key, knownHosts);
            assertThat(after.exitCode()).as(after + "\n--- sshd\n" + sshd.log()).isEqualTo(255);
            assertThat(after.stderr()).contains("Permission denied");
            assertThat(sshd.log()).containsIgnoringCase("revoked");
        }
    }

    /**
     * The hole: after {@code establish --override} the KRL named only the new CA, so a machine still trusting the
     * old CA (its TrustedUserCAKeys not yet updated) let every old certificate in again, revoked ones included.
     */
    @Test
    void afterTheCaIsReplacedTheOldCasCertificatesStayRefusedByRealSshd() throws Exception {
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        Path revokedKey = tmp.resolve("id_revoked");
        ok(admin, "ssh", "issue", "acme", revokedKey.toString());
        Path keptKey = tmp.resolve("id_kept");
        ok(admin, "ssh", "issue", "acme", keptKey.toString());
        long revokedSerial = Plane.log(admin, "acme").stream().filter(c -> !c.revoked()).mapToLong(CertificateView::serial)
                .min().orElseThrow();
        ok(admin, "ssh", "revoke", "acme", "--serial", Long.toString(revokedSerial));
        AuthorityView oldCa = Json.mapper().readValue(Plane.fetch(plane, "/v1/orgs/acme/ca"), AuthorityView.class);

        ok(admin, "ssh", "establish", "acme", "--override");
        Path newKey = tmp.resolve("id_new");
        ok(admin, "ssh", "issue", "acme", newKey.toString());
        AuthorityView newCa = Json.mapper().readValue(Plane.fetch(plane, "/v1/orgs/acme/ca"), AuthorityView.class);
        assertThat(newCa.userCaPublicKey()).isNotEqualTo(oldCa.userCaPublicKey());
        Path krl = tmp.resolve("revoked.krl");
        Files.write(krl, Plane.fetch(plane, "/v1/orgs/acme/revocations.krl"));

        ProcessResult query = Processes.run(Duration.ofSeconds(30), List.of("ssh-keygen", "-Q", "-f", krl.toString(),
                revokedKey + "-cert.pub", keptKey + "-cert.pub", newKey + "-cert.pub"));
        assertThat(query.stdout()).as(query.toString()).contains(revokedKey + "-cert.pub", keptKey + "-cert.pub",
                newKey + "-cert.pub");
        assertThat(query.stdout().lines().filter(l -> l.startsWith(revokedKey + "-cert.pub")
                || l.startsWith(keptKey + "-cert.pub"))).allMatch(l -> l.endsWith("REVOKED"));
        assertThat(query.stdout().lines().filter(l -> l.startsWith(newKey + "-cert.pub"))).allMatch(l -> l.endsWith(": ok"));
        ProcessResult listing = Processes.run(Duration.ofSeconds(30), List.of("ssh-keygen", "-Q", "-l", "-f",
                krl.toString()));
        // the serial revoked under the old CA is still listed, not only covered by revoking the old CA key
        assertThat(listing.stdout()).as(listing.toString()).contains("serial: " + revokedSerial + "\n");

        Path trusted = tmp.resolve("trusted_user_ca");
        try (OpenSshd sshd = OpenSshd.start(tmp.resolve("sshd"),
                List.of("TrustedUserCAKeys " + trusted, "RevokedKeys " + krl))) {
            Path knownHosts = tmp.resolve("known_hosts");
            Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
            // a machine that still trusts only the old CA: every old certificate is refused
            Files.writeString(trusted, oldCa.userCaPublicKey().strip() + "\n");
            for (Path key : List.of(revokedKey, keptKey)) {
                ProcessResult r = ssh(sshd, key, knownHosts);
                assertThat(r.exitCode()).as(key + " " + r + "\n--- sshd\n" + sshd.log()).isEqualTo(255);
                assertThat(r.stderr()).contains("Permission denied");
            }
            // a machine trusting both CAs while it moves over: the new certificate works, the old one does not
            Files.writeString(trusted, oldCa.userCaPublicKey().strip() + "\n" + newCa.userCaPublicKey().strip() + "\n");
            ProcessResult fresh = ssh(sshd, newKey, knownHosts);
            assertThat(fresh.exitCode()).as(fresh + "\n--- sshd\n" + sshd.log()).isZero();
            assertThat(ssh(sshd, keptKey, knownHosts).exitCode()).isEqualTo(255);
            assertThat(sshd.log()).containsIgnoringCase("revoked");
        }
    }

    private static ProcessResult ssh(OpenSshd sshd, Path key, Path knownHosts) {
        return Processes.run(Duration.ofSeconds(30), List.of("ssh", "-F", "none", "-i", key.toString(),
                "-p", Integer.toString(sshd.port()), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "ConnectTimeout=10", "root@127.0.0.1", "echo", "ok"));
    }
}
