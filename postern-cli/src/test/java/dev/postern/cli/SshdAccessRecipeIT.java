package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.Json;
import dev.postern.common.api.AuthorityView;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import dev.postern.testing.OpenSshd;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock-sshd recipe of docs/ACCESS.md, taken from the page itself: a machine of app web running Debian's sshd
 * with the {@code AuthorizedPrincipalsCommand} script takes certificates whose {@code postern-apps@postern.dev}
 * names web or {@code *}, and refuses one issued for app db (the same login, the same CA).
 */
class SshdAccessRecipeIT {
    private static final Duration T = Duration.ofSeconds(30);
    @TempDir
    Path tmp;
    private final MutableClock clock = MutableClock.atWallTime();
    private ControlPlane plane;
    /** sshd wants the command and every directory above it owned by root and writable by nobody else: not /tmp. */
    private final Path scriptDir = Path.of("/run/postern-access-recipe-" + ProcessHandle.current().pid());

    @BeforeEach
    void start() {
        plane = Plane.start(tmp.resolve("data"), clock);
    }

    @AfterEach
    void stop() throws IOException {
        plane.close();
        Processes.run(T, List.of("rm", "-rf", scriptDir.toString()));
    }

    @Test
    void sshdWithTheRecipeTakesOnlyCertificatesNamingItsApp() throws Exception {
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        ok(admin, "apps", "create", "web", "--org", "acme");
        ok(admin, "apps", "create", "db", "--org", "acme");
        Path web = tmp.resolve("id_web");
        ok(admin, "ssh", "issue", "acme", web.toString(), "--app", "web");
        Path db = tmp.resolve("id_db");
        ok(admin, "ssh", "issue", "acme", db.toString(), "--app", "db");
        Path all = tmp.resolve("id_all");
        ok(admin, "ssh", "issue", "acme", all.toString());

        Files.createDirectories(scriptDir);
        Files.setPosixFilePermissions(scriptDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = scriptDir.resolve("postern-principals");
        Files.writeString(script, recipeScript());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        AuthorityView ca = Json.mapper().readValue(Plane.fetch(plane, "/v1/orgs/acme/ca"), AuthorityView.class);
        Path trusted = tmp.resolve("trusted_user_ca");
        Files.writeString(trusted, ca.userCaPublicKey().strip() + "\n");

        try (OpenSshd sshd = OpenSshd.start(tmp.resolve("sshd"), List.of("TrustedUserCAKeys " + trusted,
                "AuthorizedPrincipalsCommand " + script + " web %u %t %k",
                "AuthorizedPrincipalsCommandUser nobody"))) {
            Path knownHosts = tmp.resolve("known_hosts");
            Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
            for (Path accepted : List.of(web, all)) {
                ProcessResult r = ssh(sshd, accepted, knownHosts);
                assertThat(r.exitCode()).as(accepted + ": " + r + "\n--- sshd\n" + sshd.log()).isZero();
                assertThat(r.stdout().strip()).isEqualTo("ok");
            }
            ProcessResult other = ssh(sshd, db, knownHosts);
            assertThat(other.exitCode()).as(other + "\n--- sshd\n" + sshd.log()).isEqualTo(255);
            assertThat(other.stderr()).contains("Permission denied");
        }
    }

    /** The {@code sh} block of docs/ACCESS.md that starts with the script's path. */
    private static String recipeScript() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "ACCESS.md"));
        Matcher m = Pattern.compile("```sh\n(#!/bin/sh\n# /usr/local/libexec/postern-principals.*?)```", Pattern.DOTALL)
                .matcher(page);
        assertThat(m.find()).as("docs/ACCESS.md holds the script").isTrue();
        return m.group(1);
    }

    private static ProcessResult ssh(OpenSshd sshd, Path key, Path knownHosts) {
        return Processes.run(T, List.of("ssh", "-F", "none", "-p", Integer.toString(sshd.port()),
                "-o", "IdentityFile=" + key, "-o", "CertificateFile=" + key + "-cert.pub", "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "root@127.0.0.1", "echo ok"));
    }
}
