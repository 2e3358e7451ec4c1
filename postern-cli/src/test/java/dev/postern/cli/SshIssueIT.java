package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ClientConfig;
import dev.postern.cli.client.ConfigFile;
import dev.postern.common.Json;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.CertificateView;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import dev.postern.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postern ssh establish/issue/log} against an in-process control plane, checked by real ssh-keygen. */
class SshIssueIT {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane plane;
    CliRunner admin;

    @BeforeEach
    void start() {
        plane = Plane.start(tmp.resolve("data"), clock);
        admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
    }

    @AfterEach
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void issuedCertificateIsSignedByTheOrgCaWithIdSerialPrincipalsWindowAndExtensions() throws Exception {
        String established = ok(admin, "ssh", "establish", "acme");
        AuthorityView ca = Json.mapper().readValue(Plane.fetch(plane, "/v1/orgs/acme/ca"), AuthorityView.class);
        assertThat(established).contains(ca.userCaPublicKey().strip())
                .contains("@cert-authority *.internal " + ca.hostCaPublicKey().strip());
        Path caFile = tmp.resolve("user_ca.pub");
        Files.writeString(caFile, ca.userCaPublicKey().strip() + "\n");

        Path key = tmp.resolve("keys/acme");
        Files.createDirectories(key.getParent());
        String issued = ok(admin, "ssh", "issue", "acme", key.toString());

        List<CertificateView> log = Plane.log(admin, "acme");
        assertThat(log).hasSize(1);
        CertificateView c = log.get(0);
        assertThat(c.keyId()).isEqualTo("postern:acme:admin@localhost:" + c.serial());
        assertThat(issued).contains("serial:      " + c.serial()).contains("key id:      " + c.keyId())
                .contains("principals:  root").contains(Output.time(c.validAfter()) + " to " + Output.time(c.validBefore()));

        ProcessResult dump = Processes.run(T, List.of("ssh-keygen", "-L", "-f", key + "-cert.pub"), null,
                Map.of("TZ", "UTC"), null);
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        assertThat(dump.stdout())
                .contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate")
                .contains("Signing CA: ED25519 " + SshKeygen.fingerprint(caFile))
                .contains("Key ID: \"" + c.keyId() + "\"")
                .contains("Serial: " + c.serial())
                .contains("Valid: from " + f.format(now.minusMinutes(1)) + " to " + f.format(now.plusHours(24)))
                .containsPattern("Principals: \\n\\s+root\\n")
                .contains("permit-pty").contains("permit-port-forwarding").contains("permit-agent-forwarding");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        ProcessResult pub = Processes.run(T, List.of("ssh-keygen", "-y", "-f", key.toString()));
        assertThat(pub.exitCode()).as(pub.toString()).isZero();
        assertThat(SshKeygen.fingerprint(Path.of(key + "-cert.pub"))).isEqualTo(c.fingerprint());

        CliRunner.Result again = admin.run("ssh", "issue", "acme", key.toString());
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("exists").contains("--overwrite");
        assertThat(Plane.log(admin, "acme")).hasSize(1);

        ok(admin, "ssh", "issue", "acme", key.toString(), "--overwrite", "--hours", "1", "-u", "root,deploy");
        List<CertificateView> after = Plane.log(admin, "acme");
        assertThat(after).hasSize(2);
        assertThat(after).anySatisfy(v -> {
            assertThat(v.principals()).containsExactly("root", "deploy");
            assertThat(Duration.between(v.validAfter(), v.validBefore())).isEqualTo(Duration.ofMinutes(61));
        });
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void orgMayBeOmittedWhenThePersonHasOnlyOneAndDotSshWritesIdPostern() {
        ok(admin, "ssh", "establish");
        ok(admin, "ssh", "issue", "--dotssh");
        Path key = admin.home().resolve(".ssh/id_postern");
        assertThat(key).exists();
        assertThat(Path.of(key + "-cert.pub")).exists();
        assertThat(Plane.log(admin, "acme")).hasSize(1);

        ok(admin, "orgs", "create", "beta");
        CliRunner.Result r = admin.run("ssh", "log");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("several orgs (").contains("acme").contains("beta");
    }

    @Test
    void badInputIsRefusedClearlyAndChangesNothing() throws Exception {
        Path key = tmp.resolve("key");

        CliRunner.Result noCa = admin.run("ssh", "issue", "acme", key.toString());
        assertThat(noCa.exit()).as(noCa.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCa.err()).contains("postern ssh establish");

        ok(admin, "ssh", "establish", "acme");
        String[][] bad = {
            {"ssh", "issue", "nope", key.toString()},
            {"ssh", "issue", "acme", key.toString(), "--hours", "0"},
            {"ssh", "issue", "acme", key.toString(), "--hours", "73"},
            {"ssh", "issue", "acme", key.toString(), "--hours", "abc"},
            {"ssh", "issue", "acme", "stranger@example.com", key.toString()},
        };
        String[] expected = {"org 'nope' not found", "1 to 72", "1 to 72", "'abc'",
            "'stranger@example.com' is not a member of org 'acme'"};
        for (int i = 0; i < bad.length; i++) {
            CliRunner.Result r = admin.run(bad[i]);
            assertThat(r.exit()).as(String.join(" ", bad[i]) + "\n" + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).startsWith("postern: ").contains(expected[i]).doesNotContain("\tat ");
            assertThat(r.err().lines()).hasSize(1);
        }
        assertThat(key).doesNotExist();
        assertThat(Path.of(key + "-cert.pub")).doesNotExist();
        assertThat(Plane.log(admin, "acme")).isEmpty();

        Files.writeString(key, "mine");
        CliRunner.Result exists = admin.run("ssh", "issue", "acme", key.toString());
        assertThat(exists.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Files.readString(key)).isEqualTo("mine");
        assertThat(Plane.log(admin, "acme")).isEmpty();
    }

    @Test
    void establishingTwiceExplainsWhatReplacingBreaksAndNamesOverride() throws Exception {
        ok(admin, "ssh", "establish", "acme");
        byte[] before = Plane.fetch(plane, "/v1/orgs/acme/ca");
        CliRunner.Result again = admin.run("ssh", "establish", "acme");
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("already has an SSH CA").contains("breaks every certificate")
                .contains("host certificate").contains("postern ssh establish acme --override");
        assertThat(Plane.fetch(plane, "/v1/orgs/acme/ca")).isEqualTo(before);

        assertThat(ok(admin, "ssh", "establish", "acme", "--override")).startsWith("Replaced");
        AuthorityView a = Json.mapper().readValue(before, AuthorityView.class);
        AuthorityView b = Json.mapper().readValue(Plane.fetch(plane, "/v1/orgs/acme/ca"), AuthorityView.class);
        assertThat(b.userCaPublicKey()).isNotEqualTo(a.userCaPublicKey());
    }

    @Test
    void restartKeepsOrgsCaAndCertificateLog() throws Exception {
        ok(admin, "ssh", "establish", "acme");
        ok(admin, "ssh", "issue", "acme", tmp.resolve("k").toString());
        byte[] ca = Plane.fetch(plane, "/v1/orgs/acme/ca");
        List<CertificateView> log = Plane.log(admin, "acme");
        plane.close();
        plane = null;

        CliRunner.Result down = admin.run("orgs", "list");
        assertThat(down.exit()).isEqualTo(ExitCodes.UNREACHABLE);

        plane = Plane.start(tmp.resolve("data"), clock);
        assertThat(plane.bootstrapToken()).isEmpty();
        assertThat(Plane.fetch(plane, "/v1/orgs/acme/ca")).isEqualTo(ca);
        // the new plane listens on another free port: point the saved session (still valid: it is in the store) there
        ConfigFile config = new ConfigFile(admin.posternHome());
        ClientConfig saved = config.load().orElseThrow();
        config.save(new ClientConfig(plane.baseUrl(), saved.email(), saved.token()));
        assertThat(ok(admin, "orgs", "list")).contains("acme").contains("yes");
        assertThat(Plane.log(admin, "acme")).isEqualTo(log);
        assertThat(admin.run("ssh", "establish", "acme").exit()).isEqualTo(ExitCodes.USAGE);
    }
}
