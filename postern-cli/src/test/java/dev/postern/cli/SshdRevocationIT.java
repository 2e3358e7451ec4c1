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

    private static ProcessResult ssh(OpenSshd sshd, Path key, Path knownHosts) {
        return Processes.run(Duration.ofSeconds(30), List.of("ssh", "-F", "none", "-i", key.toString(),
                "-p", Integer.toString(sshd.port()), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "ConnectTimeout=10", "root@127.0.0.1", "echo", "ok"));
    }
}
