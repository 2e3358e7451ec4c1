package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.tls.Fingerprint;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.server.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI and the agent against a control plane that serves TLS with its own self-signed certificate: they
 * pin its key with {@code --fingerprint} and refuse any other key, as they would a server someone in between
 * impersonates, or a server whose key was replaced.
 */
class TlsPlaneIT {
    @TempDir
    Path dir;
    private final Clock clock = Clock.systemUTC();
    private final MachineProcesses machines = new MachineProcesses();
    private ControlPlane plane;
    private int port;
    private String url;
    private CliRunner cli;

    @BeforeEach
    void start() {
        port = MachineProcesses.freePort();
        plane = startPlane();
        url = plane.baseUrl();
        cli = new CliRunner(dir.resolve("laptop"), clock);
    }

    @AfterEach
    void stop() {
        machines.close();
        if (plane != null) {
            plane.close();
        }
    }

    private ControlPlane startPlane() {
        return ControlPlane.start(new ControlPlaneConfig(dir.resolve("server"), null, "127.0.0.1", port, clock, null,
                "admin@example.com", "127.0.0.1", 0, null, "https://localhost:" + port, TlsSettings.selfSigned()));
    }

    private String pin() {
        return plane.fingerprint().orElseThrow().value();
    }

    @Test
    void theCliPinsTheServersKeyAndRefusesAnyOtherSavingNothing() throws Exception {
        String token = plane.bootstrapToken().orElseThrow();
        String wrong = otherKey();

        CliRunner.Result impostor = cli.run("auth", "login", "--server", url, "--token", token, "--fingerprint", wrong);
        assertThat(impostor.exit()).as(impostor.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(impostor.err()).contains(wrong).contains(pin()).contains("--fingerprint NEW")
                .contains("operator").doesNotContain(token);
        assertThat(cli.posternHome().resolve("config.json")).doesNotExist();

        CliRunner.Result unpinned = cli.run("auth", "login", "--server", url, "--token", token);
        assertThat(unpinned.exit()).as(unpinned.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(unpinned.err()).contains("--fingerprint");
        assertThat(cli.posternHome().resolve("config.json")).doesNotExist();

        // neither attempt reached the server: the one-time token still works, with the right pin
        assertThat(ok(cli, "auth", "login", "--server", url, "--token", token, "--fingerprint", pin()))
                .contains("pinned: " + pin());
        assertThat(Files.readString(cli.posternHome().resolve("config.json"))).contains(pin());
        ok(cli, "orgs", "create", "acme");
        assertThat(ok(cli, "orgs", "list")).contains("acme");

        // everything printed for someone else carries the advertised URL and the pin
        ok(cli, "apps", "create", "web", "--org", "acme");
        assertThat(ok(cli, "tokens", "create", "machine", "--app", "web", "--org", "acme"))
                .contains("postern agent --server https://localhost:" + port + " --fingerprint " + pin() + " --data");
        assertThat(ok(cli, "members", "add", "--org", "acme", "--email", "bob@example.com", "--role", "member"))
                .contains("postern auth login --server https://localhost:" + port + " --token pst_")
                .contains("--fingerprint " + pin());

        // a restart with the same data dir keeps the key: nothing to do for the client
        String first = pin();
        plane.close();
        plane = startPlane();
        assertThat(pin()).isEqualTo(first);
        assertThat(ok(cli, "orgs", "list")).contains("acme");

        // a new key (the tls dir deleted, or someone else answering): refused until re-pinned
        plane.close();
        deleteTree(dir.resolve("server/tls"));
        plane = startPlane();
        String second = pin();
        assertThat(second).isNotEqualTo(first);
        CliRunner.Result changed = cli.run("orgs", "list");
        assertThat(changed.exit()).as(changed.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(changed.err()).contains(first).contains(second).contains("postern auth pin --fingerprint NEW")
                .doesNotContain("acme");
        CliRunner.Result badPin = cli.run("auth", "pin", "--fingerprint", wrong);
        assertThat(badPin.exit()).as(badPin.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(Files.readString(cli.posternHome().resolve("config.json"))).contains(first).doesNotContain(wrong);
        assertThat(ok(cli, "auth", "pin", "--fingerprint", second)).contains("was " + first);
        assertThat(ok(cli, "orgs", "list")).contains("acme");
    }

    @Test
    void anAgentJoinsWithThePinAndAWrongPinFailsTheJoin() throws Exception {
        ok(cli, "auth", "login", "--server", url, "--token", plane.bootstrapToken().orElseThrow(), "--fingerprint",
                pin());
        ok(cli, "orgs", "create", "acme");
        ok(cli, "apps", "create", "web", "--org", "acme");
        ok(cli, "ssh", "establish", "acme");
        String token = MachinesIT.token(ok(cli, "tokens", "create", "machine", "--app", "web", "--org", "acme"));
        String wrong = otherKey();

        Path refused = dir.resolve("m0");
        CliRunner.Result r = cli.run("agent", "--server", url, "--fingerprint", wrong, "--join-token", token,
                "--data", refused.toString());
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains(wrong).contains(pin()).doesNotContain(token);
        assertThat(refused.resolve("machine.json")).doesNotExist();
        assertThat(refused.resolve("server-fingerprint")).doesNotExist();

        Path data = dir.resolve("m1");
        machines.start(url, token, data, "--fingerprint", pin(), "--listen", "127.0.0.1:0");
        MachineProcesses.machineId(data);
        assertThat(Files.readString(data.resolve("server-fingerprint")).strip()).isEqualTo(pin());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("server-fingerprint"))))
                .isEqualTo("rw-------");

        // the control plane now answers with another key: the restarted agent (no --fingerprint this time: the
        // stored pin holds) refuses it in its first KRL and CA poll
        String before = pin();
        machines.close();
        plane.close();
        deleteTree(dir.resolve("server/tls"));
        plane = startPlane();
        machines.start(url, token, data, "--listen", "127.0.0.1:0");
        Path log = dir.resolve("m1.log");
        MachineProcesses.awaitTrue(Duration.ofSeconds(30), () -> read(log).contains("presented TLS key " + pin()),
                "the agent's poll refusing the new key");
        assertThat(read(log)).contains(before + " is pinned");
    }

    @Test
    void plainHttpOffLoopbackAndHalfATlsPairAreRefusedAtStart() {
        CliRunner.Result open = cli.run("server", "--http", "0.0.0.0:0", "--insecure-http", "--gateway", "off",
                "--data", dir.resolve("open").toString());
        assertThat(open.exit()).as(open.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(open.err()).contains("--insecure-http").contains("loopback");
        assertThat(dir.resolve("open")).doesNotExist();
        CliRunner.Result half = cli.run("server", "--tls-cert", dir.resolve("c.pem").toString(), "--gateway", "off",
                "--data", dir.resolve("half").toString());
        assertThat(half.exit()).as(half.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(half.err()).contains("--tls-key");
    }

    private static String otherKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return Fingerprint.of(g.generateKeyPair().getPublic()).value();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
